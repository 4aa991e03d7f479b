"""What a person may do on an e-licence now, said once (issue 15): the workbench's licence page shows the forms
`allowed_actions` allows and the services check the same rule (tests/licences/test_allowed_actions_match_services.py).

The issuing organisation's staff (STAFF_ROLES, or an administrator), within their scope, change (变更) and renew
(延续) a licence that is in force — not one whose validity has run out, even before the nightly job stores it as
expired — and renew only one with an end date; they end it (注销、撤销、吊销) unless it already ended or was replaced:
an expired licence is ended too (行政许可法 第七十条第(一)项: 有效期届满未延续的, 应当依法办理注销手续).

注销 (第七十条) is the record of an ending that happened (expiry, the holder's request, the entity's dissolution …) and
stays with the staff above. 撤销 (第六十九条) and 吊销 (an administrative penalty, 行政处罚法 第九条) are decisions of
the issuing organisation: only its department head (DECISION_ROLES, as the cases' decisions, cases.records.HEAD_ROLES)
takes them — an administrator holds no such office — and the service requires the 决定文书 number or the case that
decided it (`services.end`).

A version renewed ahead of its end stays in force (有效) until the new version starts; it is not changed or renewed
again — the new version is. Ending it ends the new version too (the licence ends, not one of its periods).

While the holder's renewal application (延续, a case not yet decided) is pending, the licence is renewed by that
case's decision, not by the workbench's direct 延续.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.core import access
from zhengwu.core.errors import AccessDenied, Conflict, DomainError
from zhengwu.core.models import Role
from zhengwu.licences.models import END_WORDS, ENDING_STATUSES, NOT_YET_VALID, Licence, Status, chinese_date

STAFF_ROLES = (Role.DEPARTMENT_HEAD, Role.APPROVER, Role.WINDOW_CLERK)
DECISION_ROLES = (Role.DEPARTMENT_HEAD,)
# the page's action for each way a licence ends (the services' `kind`, the licence's status afterwards)
END_ACTIONS = {Status.CANCELLED: "cancel", Status.REVOKED: "revoke", Status.WITHDRAWN: "withdraw"}
DECISIONS = ("revoke", "withdraw")
ACTIONS = ("change", "renew", "cancel", "revoke", "withdraw")
# the refusal to change or renew a version in force whose renewal waits to start: the renewal is the one to act on
RENEWED_AHEAD = "licence.renewed_ahead"
# the refusal to change a licence whose validity has ended (expired, or ended by 注销/撤销/吊销): apply anew
CHANGE_ENDED = "licence.change_ended"
# the refusal to renew (延续) a licence whose validity has ended: apply anew
RENEWAL_ENDED = "licence.renewal_ended"


def ended_for_change(licence: Licence) -> str:
    """Why `licence` can no longer be changed (变更) — its validity has run out (its last day, `valid_until`, is before
    today's local day, whether or not the nightly job has stored 已过期 yet) or it was 注销/撤销/吊销 — or "". A
    version renewed ahead of its start (尚未生效) and one in force may be changed."""
    # 行政许可法 第五十条: once the validity has ended without 延续, the holder applies anew (新办), no 变更
    return _ended(
        licence,
        expired=_("%(type)s(编号 %(number)s)已于 %(day)s 到期,不能变更,请申请新办"),
        ended=_("%(type)s(编号 %(number)s)%(state)s,不能变更,请申请新办"),
    )


def ended_for_renewal(licence: Licence) -> str:
    """Why `licence` can no longer be renewed (延续) on an application — as `ended_for_change` — or "". An
    application inside the last 30 days (食品经营许可: 30 working days) of a licence still in force is not refused:
    the rule says when to apply, not that a late one fails."""
    # 行政许可法 第五十条: 延续 is applied for and decided before the validity ends; after it the holder applies anew
    return _ended(
        licence,
        expired=_("%(type)s(编号 %(number)s)已于 %(day)s 到期,不能延续,请申请新办"),
        ended=_("%(type)s(编号 %(number)s)%(state)s,不能延续,请申请新办"),
    )


def _ended(licence: Licence, *, expired: str, ended: str) -> str:
    status = licence.effective_status
    words = {"type": licence.type.name, "number": licence.number}
    if status == Status.EXPIRED and licence.valid_until is not None:
        return expired % {**words, "day": chinese_date(licence.valid_until)}
    if status in ENDING_STATUSES or status == Status.EXPIRED:
        return ended % {**words, "state": Status(status).label}
    return ""


def require_issuer_staff(user, licence_or_organisation) -> None:
    """The user works for the issuing organisation (its staff with a licence role, or an administrator)."""
    organisation = getattr(licence_or_organisation, "issuer", licence_or_organisation)
    if not access.has_role(user, *STAFF_ROLES) and not access.is_administrator(user):
        raise AccessDenied(_("只有颁发机构的工作人员可以办理证照变更、延续或注销"))
    if not access.can_see_organisation(user, organisation):
        raise AccessDenied(_("该证照不由您所在的机构颁发"))


def require_decider(user, licence: Licence, kind: str) -> None:
    """撤销 / 吊销: the issuing organisation's own department head."""
    staff = access.staff_of(user)
    if not (staff is not None and staff.has_role(*DECISION_ROLES) and access.acts_for(staff, licence.issuer)):
        raise AccessDenied(
            _("%(k)s是颁发机构的决定,只有%(o)s的部门负责人可以办理")
            % {"k": END_WORDS[kind], "o": licence.issuer.name}
        )


def may_issue(user, case) -> bool:
    """补发: the implementing organisation's staff issue the licence a granted case lacks."""
    return access.has_role(user, *STAFF_ROLES) and access.can_see_organisation(user, case.organisation)


def services_current(licence: Licence) -> Licence:
    from zhengwu.licences.services import current_version

    return current_version(licence)


def state_refusal(licence: Licence, action: str) -> Conflict | None:
    """Why the licence, as it stands, cannot take `action` (whoever asks), or None."""
    # a version renewed ahead of its start (尚未生效) may be changed; renewed again only once it is in force
    if action == "change" and licence.effective_status == NOT_YET_VALID:
        return None
    if action in ("change", "renew") and licence.effective_status == Status.VALID and licence.following():
        # renewed ahead of its end: in force until the new version starts, which is the one to change or renew
        following = services_current(licence)
        return Conflict(
            _("证照已延续,第 %(version)s 版自 %(day)s 起有效,请对第 %(version)s 版办理")
            % {"version": following.version, "day": chinese_date(following.valid_from)},
            code=RENEWED_AHEAD,
            field="licence",
        )
    if action == "change" and (ended := ended_for_change(licence)):
        return Conflict(ended, code=CHANGE_ENDED, field="licence")
    if action == "renew" and (ended := ended_for_renewal(licence)):
        return Conflict(ended, code=RENEWAL_ENDED, field="licence")
    if action in ("change", "renew") and licence.effective_status != Status.VALID:
        verb = _("变更") if action == "change" else _("延续")
        return Conflict(
            _("证照%(s)s,不能%(v)s") % {"s": licence.effective_status_label, "v": verb}, field="licence"
        )
    if action == "renew" and licence.valid_until is None:
        return Conflict(_("证照长期有效,无需延续"), field="licence")
    if action == "renew":
        from zhengwu.licences.services import pending_renewal

        if (pending := pending_renewal(licence)) is not None:
            return Conflict(
                _("该证照的延续申请(办件编号 %(case)s)正在办理,请在该办件中作出延续决定")
                % {"case": pending.number},
                field="licence",
            )
    if action in ("end", *END_ACTIONS.values()) and (
        licence.status in ENDING_STATUSES or licence.effective_status == Status.REPLACED
    ):
        return Conflict(
            _("证照%(s)s,不能再注销、撤销或吊销") % {"s": licence.get_status_display()}, field="licence"
        )
    return None


def refusal(user, licence: Licence, action: str) -> DomainError | None:
    try:
        require_issuer_staff(user, licence)
        if action in DECISIONS:
            require_decider(user, licence, next(k for k, a in END_ACTIONS.items() if a == action))
    except AccessDenied as denied:
        return denied
    return state_refusal(licence, action)


def allowed_actions(user, licence: Licence) -> dict[str, bool]:
    """Each action of ACTIONS, and `end`: any of the three endings (the page shows the form then)."""
    allowed = {action: refusal(user, licence, action) is None for action in ACTIONS}
    allowed["end"] = any(allowed[a] for a in END_ACTIONS.values())
    return allowed
