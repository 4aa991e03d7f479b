"""CKAN's action API as a protocol: where the parameters come from, their types, the answer's envelope, its errors.

As CKAN does (ckan/views/api.py): a GET reads the query string (a repeated key becomes a list); a POST reads a JSON
object from the body, or a form (and the old form whose only key is the JSON itself); the answer is
{help, success, result} or {help, success: false, error: {__type, message, <field>: [...]}} with the status CKAN
gives each error. Unlike CKAN, every error (also an unknown action or a body that is not JSON) is in the envelope,
so a client always finds `success` and `error`.
"""

from __future__ import annotations

import json
import re

from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _

MAX_ROWS = 1000  # ckan.search.rows_max and ckan.group_and_organization_list_max (CKAN's defaults for both)
_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off", "")
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


class CkanError(Exception):
    """An error answered in CKAN's envelope: `kind` is CKAN's `__type`, `status` its HTTP status."""

    status = 400
    kind = "Bad Request"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field

    def as_dict(self) -> dict:
        error = {"__type": self.kind, "message": self.message}
        if self.field:  # CKAN's validation errors list the messages of each field under the field's name
            error[self.field] = [self.message.split(": ", 1)[-1]]
        return error


class NotFoundError(CkanError):
    status, kind = 404, "Not Found Error"


class ValidationError(CkanError):
    status, kind = 409, "Validation Error"


class SearchQueryError(CkanError):
    status, kind = 400, "Search Query Error"


class AuthorizationError(CkanError):
    status, kind = 403, "Authorization Error"


class MethodNotAllowed(CkanError):
    status = 405


class RateLimited(CkanError):
    status, kind = 429, "Rate Limit Error"


def _mixed(multi) -> dict:
    """A query string or form as CKAN reads it: one value as a string, a repeated key as a list."""
    return {key: values[0] if len(values) == 1 else values for key, values in multi.lists()}


def _json_object(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise CkanError(_("JSON 格式错误: %(e)s") % {"e": error}) from None
    if not isinstance(data, dict):
        raise CkanError(_("请求数据应为 JSON 对象(字典)"))
    return data


def request_data(request) -> dict:
    """The action's parameters: the query string of a GET; the JSON body or the form of a POST."""
    if request.method != "POST":
        data = _mixed(request.GET)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = request.POST
        except MultiPartParserError:
            raise CkanError(_("请求体无法解析:multipart 表单的 boundary 缺失或无效")) from None
        values = list(form.values())
        # An old client posts the JSON as the form's only key (curl -d '{"id": "…"}').
        if len(form) == 1 and values[0] in ("", "1") and next(iter(form)).lstrip().startswith("{"):
            data = _json_object(next(iter(form)))
        else:
            data = _mixed(form)
    else:
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise CkanError(_("请求体应为 UTF-8 编码的 JSON")) from None
        data = _json_object(body) if body.strip() else _mixed(request.GET)
    data.pop("callback", None)
    _refuse_nul(data)
    return data


def _refuse_nul(value, field: str | None = None) -> None:
    """No database text holds NUL (0x00): refuse it by name before any query sees it."""
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, str(key))
            _refuse_nul(item, field or str(key))
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item, field)
    elif isinstance(value, str) and "\x00" in value:
        raise ValidationError(_("%(f)s: 不能含空字符(0x00)") % {"f": field}, field=field)


# ---- parameter types (CKAN's validators: natural numbers, booleans, strings, lists)


def integer(data: dict, name: str, default: int, *, maximum: int | None = None) -> int:
    """A natural number (an int, or a string of digits); above `maximum` it is cut to it, as CKAN does."""
    value = data.get(name)
    if value is None or value == "":
        return default
    if (
        isinstance(value, bool)
        or not isinstance(value, int | str)
        or not re.fullmatch(r"\d{1,9}", str(value))
    ):
        raise ValidationError(_("%(f)s: 应为非负整数") % {"f": name}, field=name)
    number = int(value)
    return min(number, maximum) if maximum is not None else number


def boolean(data: dict, name: str, default: bool) -> bool:
    value = data.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise ValidationError(_("%(f)s: 应为 true 或 false") % {"f": name}, field=name)


def text(data: dict, name: str, default: str = "") -> str:
    value = data.get(name)
    if value is None:
        return default
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValidationError(_("%(f)s: 应为字符串") % {"f": name}, field=name)
    return value.strip()


def required(data: dict, name: str) -> str:
    value = text(data, name)
    if not value:
        raise ValidationError(_("%(f)s: 缺少必填参数") % {"f": name}, field=name)
    return value


def names(data: dict, name: str) -> list[str]:
    """A list of strings: a list, a JSON list in a string (CKAN's form), or one name."""
    value = data.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except ValueError:
                raise ValidationError(_("%(f)s: 应为字符串列表") % {"f": name}, field=name) from None
        else:
            value = [stripped]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("%(f)s: 应为字符串列表") % {"f": name}, field=name)
    return [v.strip() for v in value if v.strip()]


# ---- the answer


def help_url(request, action: str) -> str:
    return request.build_absolute_uri(reverse("ckan_action", args=["help_show"])) + f"?name={action}"


def answer(request, action: str, *, result=None, error: CkanError | None = None) -> HttpResponse:
    """The envelope, as JSON (or JSONP for a GET with a valid `callback`), open to every origin."""
    body: dict = {"help": help_url(request, action), "success": error is None}
    if error is None:
        body["result"] = result
    else:
        body["error"] = error.as_dict()
    content = json.dumps(body, ensure_ascii=False, default=str)
    content_type = "application/json;charset=utf-8"
    callback = request.GET.get("callback", "") if request.method == "GET" else ""
    if error is None and _CALLBACK.match(callback):
        content, content_type = f"{callback}({content});", "application/javascript;charset=utf-8"
    response = HttpResponse(content, status=error.status if error else 200, content_type=content_type)
    return cors(response)


def cors(response: HttpResponse) -> HttpResponse:
    """Public, read-only data without cookies: any origin may read it (CKAN's ckan.cors.origin_allow_all)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type, Authorization, X-CKAN-API-Key"
    return response
