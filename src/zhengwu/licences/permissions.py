"""What a person may do on an e-licence now, said once (issue 15): the workbench's licence page shows the forms
`allowed_actions` allows and the services check the same rule (tests/licences/test_allowed_actions_match_services.py).

The issuing organisation's staff (STAFF_ROLES, or an administrator), within their scope, change (变更) and renew
(延续) a licence that is in force — not one whose validity has run out, even before the nightly job stores it as
expired — and renew only one with an end date; they end it (注销、撤销、吊销) unless it already ended or was replaced:
an expired licence is ended too (行政许可法 第七十条第(一)项: 有效期届满未延续的, 应当依法办理注销手续).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.core import access
from zhengwu.core.errors import AccessDenied, Conflict, DomainError
from zhengwu.core.models import Role
from zhengwu.licences.models import ENDING_STATUSES, Licence, Status

STAFF_ROLES = (Role.DEPARTMENT_HEAD, Role.APPROVER, Role.WINDOW_CLERK)
ACTIONS = ("change", "renew", "end")


def require_issuer_staff(user, licence_or_organisation) -> None:
    """The user works for the issuing organisation (its staff with a licence role, or an administrator)."""
    organisation = getattr(licence_or_organisation, "issuer", licence_or_organisation)
    if not access.has_role(user, *STAFF_ROLES) and not access.is_administrator(user):
        raise AccessDenied(_("只有颁发机构的工作人员可以办理证照变更、延续或注销"))
    if not access.can_see_organisation(user, organisation):
        raise AccessDenied(_("该证照不由您所在的机构颁发"))


def may_issue(user, case) -> bool:
    """补发: the implementing organisation's staff issue the licence a granted case lacks."""
    return access.has_role(user, *STAFF_ROLES) and access.can_see_organisation(user, case.organisation)


def state_refusal(licence: Licence, action: str) -> Conflict | None:
    """Why the licence, as it stands, cannot take `action` (whoever asks), or None."""
    if action in ("change", "renew") and licence.effective_status != Status.VALID:
        verb = _("变更") if action == "change" else _("延续")
        return Conflict(
            _("证照%(s)s,不能%(v)s") % {"s": licence.effective_status_label, "v": verb}, field="licence"
        )
    if action == "renew" and licence.valid_until is None:
        return Conflict(_("证照长期有效,无需延续"), field="licence")
    if action == "end" and (licence.status in ENDING_STATUSES or licence.status == Status.REPLACED):
        return Conflict(
            _("证照%(s)s,不能再注销、撤销或吊销") % {"s": licence.get_status_display()}, field="licence"
        )
    return None


def refusal(user, licence: Licence, action: str) -> DomainError | None:
    try:
        require_issuer_staff(user, licence)
    except AccessDenied as denied:
        return denied
    return state_refusal(licence, action)


def allowed_actions(user, licence: Licence) -> dict[str, bool]:
    return {action: refusal(user, licence, action) is None for action in ACTIONS}
