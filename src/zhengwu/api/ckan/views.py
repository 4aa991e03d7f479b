"""The one view of the CKAN action API: parse, call the action, answer in CKAN's envelope."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from zhengwu.api.ckan import protocol
from zhengwu.api.ckan.actions import ACTIONS
from zhengwu.core import ratelimit
from zhengwu.core.errors import DomainError

_WRITES = ("_create", "_update", "_patch", "_delete", "_purge", "_revise")


def _domain_error(error: DomainError) -> protocol.CkanError:
    if error.status == 404:
        return protocol.NotFoundError(error.message)
    if error.status == 429:
        return protocol.RateLimited(error.message)
    return protocol.ValidationError(error.message, field=error.field)


@csrf_exempt  # reads public data only and never looks at the session: a POST is a query, not a change
def action(request, action: str):
    """CKAN's /api/3/action/<action> (and /api/action/<action>): GET with query parameters, POST with a JSON body."""
    if request.method == "OPTIONS":
        return protocol.cors(HttpResponse())
    try:
        if request.method not in ("GET", "POST"):
            raise protocol.MethodNotAllowed(_("只接受 GET 或 POST 请求"))
        ratelimit.limit(request, group="ckan.action", rate=settings.ZHENGWU_CKAN_RATE_LIMIT)
        function = ACTIONS.get(action)
        if function is None:
            if action.endswith(_WRITES):
                raise protocol.AuthorizationError(
                    _("拒绝访问: 本站的 CKAN 接口只读,不能执行 %(a)s") % {"a": action}
                )
            raise protocol.CkanError(_("未知的操作: %(a)s") % {"a": action})
        result = function(request, protocol.request_data(request))
    except protocol.CkanError as error:
        return protocol.answer(request, action, error=error)
    except DomainError as error:
        return protocol.answer(request, action, error=_domain_error(error))
    return protocol.answer(request, action, result=result)
