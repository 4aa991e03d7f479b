"""What a person may do on a publication or a disclosure request now, said once (issue 15): the workbench's
publication and request pages show exactly the forms `allowed_actions` allows, and the services (disclosure.services)
refuse through the same rules with the same messages (tests/disclosure/test_allowed_actions_match_services.py tries
every action for every kind of person at every state). Which records a person sees is core.access's
(access.scope, access.require_organisation); the states each action starts from are the workflow's tables
(workflow.PUBLICATION_TRANSITIONS, workflow.REQUEST_TRANSITIONS); who may take it is said here:

Publications (主动公开):
- 修改草稿、增删附件、提交审核、发布 (edit, add_attachment, remove_attachment, submit, publish): the organisation's
  disclosure officers (政务公开工作人员), on a draft (发布: once approved);
- 同意、退回 (approve, reject): the role the review step needs (workflow.REVIEW_ROLE: 初审 a disclosure officer, 保密审查
  a confidentiality reviewer (保密审查人员), 领导审批 a department head) in the publication's organisation, never its
  drafter — a reviewer of another step is refused with 409 naming whose step it is; 保密审查 never the person who
  signed the 初审 (one who holds both roles) unless the organisation's settings allow one reviewer (noted on the
  ledger); for an important document's second approval never the leader who gave the first;
- 撤回、废止 (withdraw, repeal): an officer or a department head of the organisation, once published.

Requests (依申请公开), every action of REQUEST_TRANSITIONS a person takes (逾期视为放弃 is the system's, by the
calendar; 导入 the command line's):
- the organisation's disclosure officers register and answer: 告知补正 (once, within 7 working days of receipt,
  第三十条), 收到补正 (within the period given, else 视为放弃), 征求第三方意见 (before the reply is due, 第三十二条), 第三方意见已收回, 收费通知 (once), 收到缴费 (within
  the period given),
  答复, 登记撤回, 归档;
- 申请延长答复期限 (ask_extension): the organisation's disclosure officers, while handling, before the reply is
  due, with a reason and at most 20 working days; one ask waiting at a time, asked again after a refusal (with a reason
  not already refused) but never after one was agreed (one extension); 同意延长 / 不同意延长 (extend / refuse_extension): the person in
  charge (第三十三条第一款: 经政府信息公开工作机构负责人同意), the organisation's department head, never the officer
  who asked; 同意 only before the reply is due (不同意 also after: the ask does not stay open for ever);
- the requester (no staff account: the portal, by number and query code) withdraws and sends the supplement.

An organisation's disclosure records (ORGANISATION_ACTIONS: 公开目录、公开指南、复议诉讼登记、年度报告) are kept by its disclosure
officers, who also draft its publications and register the requests it receives by letter or in person (the portal
files a requester's own).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from zhengwu.core import access, calendar, clock
from zhengwu.core.errors import AccessDenied, Conflict, DomainError
from zhengwu.core.models import Role
from zhengwu.disclosure import deadlines, workflow

OFFICERS = (Role.DISCLOSURE_OFFICER,)
VALIDITY_KEEPERS = (Role.DISCLOSURE_OFFICER, Role.DEPARTMENT_HEAD)  # 撤回、废止
# whoever signs some review step (workflow.REVIEW_ROLE); the others are refused as having no part in review
REVIEWERS = tuple(dict.fromkeys(workflow.REVIEW_ROLE.values()))
EXTENSION_APPROVERS = (Role.DEPARTMENT_HEAD,)  # 延长答复期限 (第三十三条: 经政府信息公开工作机构负责人同意)

# the publication page's actions, each with the workflow action whose starting states it needs
PUBLICATION_ACTIONS: dict[str, str | None] = {
    "edit": "edit",
    "add_attachment": None,  # a draft's
    "remove_attachment": None,
    "submit": "submit",
    "approve": None,  # a review step (workflow.REVIEW_ROLE)
    "reject": None,
    "publish": "publish",
    "withdraw": "withdraw",
    "repeal": "repeal",
}
PUBLICATION_ROLES = {
    "edit": OFFICERS,
    "add_attachment": OFFICERS,
    "remove_attachment": OFFICERS,
    "submit": OFFICERS,
    "publish": OFFICERS,
    "withdraw": VALIDITY_KEEPERS,
    "repeal": VALIDITY_KEEPERS,
}

# the request page's actions: the staff's steps of workflow.REQUEST_TRANSITIONS
REQUEST_ACTIONS = (
    "request_supplement",
    "receive_supplement",
    "consult_third_party",
    "third_party_answered",
    "notify_fee",
    "receive_payment",
    "ask_extension",
    "extend",
    "refuse_extension",
    "reply",
    "withdraw",
    "archive",
)
REQUEST_ROLES = {action: OFFICERS for action in REQUEST_ACTIONS} | {
    "extend": EXTENSION_APPROVERS,
    "refuse_extension": EXTENSION_APPROVERS,
}
# the head's decisions on an officer's ask to extend
EXTENSION_DECISIONS = ("extend", "refuse_extension")
# taken by the requester too (the portal, without a staff account)
REQUESTER_ACTIONS = ("receive_supplement", "withdraw")


# on an organisation: its catalogue (补齐法定目录, 添加目录), its guide (公开指南), its remedies (复议诉讼), a new
# draft (起草), a request registered by staff (登记来信、当面申请), the annual report (年度报告: its texts and figures,
# and the draft made from it)
ORGANISATION_ACTIONS = ("catalogue", "profile", "remedies", "draft", "file_request", "report")


# ---------------------------------------------------------------- who


def member_refusal(user, organisation, roles) -> AccessDenied | None:
    """One of `roles` (administrators hold all) and the organisation within the user's scope (core.access)."""
    try:
        access.require_role(user, *roles)
        access.require_organisation(user, organisation)
    except AccessDenied as refused:
        return refused
    return None


def review_refusal(user, publication) -> DomainError | None:
    """Why this user may not sign the publication's current review step, or None if they may: the step's role in
    the publication's organisation, never the drafter, and for an important document's second approval never the
    leader who gave the first."""
    role = workflow.REVIEW_ROLE.get(publication.status)
    if refused := member_refusal(user, publication.organisation, REVIEWERS):
        return refused
    if not access.may_act_as(user, role):
        # a reviewer of another step: each step is its role's duty (初审 not the confidentiality reviewer's, 保密审查
        # not the first reviewer's)
        return Conflict(
            _("「%(step)s」须由%(who)s签署,您不能办理这一环节")
            % {"step": publication.status_label, "who": Role(role).label},
            code="review_role",
            field="status",
        )
    if user.pk == publication.created_by_id:
        return AccessDenied(_("起草人不能审查自己起草的信息"))
    if (
        publication.status == workflow.CONFIDENTIALITY_REVIEW
        and first_reviewer(publication) == user.pk
        and not one_reviewer(publication.organisation)
    ):
        return AccessDenied(_("保密审查须由初审人以外的人员签署(本机构未设置可由同一人签署)"))
    if publication.status == workflow.SECOND_LEADER_APPROVAL:
        first_leader = (
            publication.ledger.filter(from_status=workflow.LEADER_APPROVAL, action="approve_important")
            .order_by("-at", "-id")
            .values_list("by_id", flat=True)
            .first()
        )
        if first_leader == user.pk:
            return AccessDenied(_("重要文件须由另一位领导审批"))
    return None


def first_reviewer(publication) -> int | None:
    """Who signed the first review (初审) the publication last passed, or None."""
    return (
        publication.ledger.filter(from_status=workflow.FIRST_REVIEW, action="approve")
        .order_by("-at", "-id")
        .values_list("by_id", flat=True)
        .first()
    )


def one_reviewer(organisation) -> bool:
    """May one officer sign both 初审 and 保密审查 in this organisation? Only where its disclosure settings say so (a
    small office with one reviewer); otherwise the confidentiality review is a second person's."""
    try:
        return organisation.disclosure_profile.one_reviewer
    except ObjectDoesNotExist:
        return False


def publication_who_refusal(user, publication, action: str) -> DomainError | None:
    """The person's part of the rule (the record's state aside); the review decisions check the step first."""
    if action in ("approve", "reject"):
        return review_step_refusal(publication) or review_refusal(user, publication)
    return member_refusal(user, publication.organisation, PUBLICATION_ROLES[action])


def requester(user) -> bool:
    """The requester acting through the portal (no signed-in user) or the system."""
    return user is None or not getattr(user, "is_authenticated", False)


def request_who_refusal(user, request, action: str) -> AccessDenied | None:
    if requester(user) and action in REQUESTER_ACTIONS:
        return None
    if refused := member_refusal(user, request.organisation, REQUEST_ROLES[action]):
        return refused
    if action in EXTENSION_DECISIONS and request.extension_asked_by_id == user.pk:
        return AccessDenied(_("延长答复期限须经申请延长人以外的负责人同意(第三十三条第一款)"))
    return None


# ---------------------------------------------------------------- what the record allows


def review_step_refusal(publication) -> Conflict | None:
    if publication.status not in workflow.REVIEW_ROLE:
        return Conflict(
            _("「%(status_label)s」不在审查环节") % {"status_label": publication.status_label},
            code="transition_not_allowed",
            field="status",
        )
    return None


def publication_state_refusal(publication, action: str) -> Conflict | None:
    """The state the action starts from (workflow.PUBLICATION_TRANSITIONS; attachments: a draft)."""
    if action in ("approve", "reject"):
        return review_step_refusal(publication)
    if action == "add_attachment" and publication.status != workflow.DRAFT:
        return Conflict(_("只有草稿可以添加附件"), field="file")
    if action == "remove_attachment" and publication.status != workflow.DRAFT:
        return Conflict(_("只有草稿可以删除附件"), field="file")
    step = PUBLICATION_ACTIONS[action]
    if step is not None:
        try:
            workflow.publication_next(publication.status, step)
        except Conflict as refused:
            return refused
    return None


def request_state_refusal(request, action: str) -> Conflict | None:
    try:
        workflow.request_next(request.status, action)
    except Conflict as refused:
        return refused
    return None


def request_facts_refusal(request, action: str, on: dt.date) -> Conflict | None:
    """What the request's record (and the day the step is recorded for, `on`) allows beyond its state."""
    if action == "request_supplement":
        if request.events.filter(action="request_supplement").exists():
            return Conflict(_("补正只能告知一次,且须一次性告知全部事项(第三十条)"), field="items")
        last_day = deadlines.supplement_request_deadline(request.received_on).value
        if on > last_day:
            return Conflict(
                _("告知补正须在收到申请之日起7个工作日内(最迟 %(last_day)s),已超过(第三十条)")
                % {"last_day": last_day.isoformat()},
                field="on",
            )
    elif action == "receive_supplement":
        if request.waiting_until and on > request.waiting_until:
            return Conflict(
                _("补正期限已于 %(waiting_until)s 届满")
                % {"waiting_until": calendar.chinese_date(request.waiting_until)},
                field="on",
            )
    elif action == "receive_payment":
        if request.waiting_until and on > request.waiting_until:
            return Conflict(
                _("缴费期限已于 %(waiting_until)s 届满")
                % {"waiting_until": calendar.chinese_date(request.waiting_until)},
                field="on",
            )
    elif action == "consult_third_party":
        if request.due_on and on > request.due_on:
            return Conflict(_("答复期限已届满,不能再征求第三方意见"), field="on")
    elif action == "notify_fee":
        if request.fee_method:
            return Conflict(_("本申请已发出过收费通知,不得重复计费"), field="method")
    elif action == "ask_extension":
        if request.extension_asked_days:
            return Conflict(_("已申请延长答复期限,正等待负责人审批"), field="days")
        # 第三十三条第一款: one extension, agreed by the head; an ask refused is no extension, and may be asked again
        if request.extension_days:
            return Conflict(
                _("答复期限已经负责人同意延长%(days)d个工作日,只能延长一次(第三十三条第一款)")
                % {"days": request.extension_days},
                field="days",
            )
        if request.due_on and on > request.due_on:
            return Conflict(_("答复期限已届满,不能再申请延长"), field="on")
    elif action in EXTENSION_DECISIONS:
        if not request.extension_asked_days:
            return Conflict(_("没有待审批的延长答复期限申请"), field="status")
        if action == "extend" and request.due_on and on > request.due_on:
            return Conflict(
                _("答复期限已于 %(due_on)s 届满,不能再同意延长;请不同意并说明理由")
                % {"due_on": calendar.chinese_date(request.due_on)},
                field="on",
            )
    return None


# ---------------------------------------------------------------- one answer per action


def publication_refusal(user, publication, action: str) -> DomainError | None:
    if action not in PUBLICATION_ACTIONS:
        raise ValueError(f"unknown publication action {action}")
    return publication_who_refusal(user, publication, action) or publication_state_refusal(
        publication, action
    )


def request_refusal(user, request, action: str, *, on: dt.date | None = None) -> DomainError | None:
    """`on`: the day the step is recorded for (today unless said)."""
    if action not in REQUEST_ACTIONS:
        raise ValueError(f"unknown request action {action}")
    return (
        request_who_refusal(user, request, action)
        or request_facts_refusal(request, action, on or clock.today())
        or request_state_refusal(request, action)
    )


def organisation_refusal(user, organisation, action: str) -> AccessDenied | None:
    """The organisation's disclosure officers. `user` None: the system (demo, imports) keeps the catalogue, guide
    and remedies; a request without a signed-in user is the requester's own (the portal)."""
    if action not in ORGANISATION_ACTIONS:
        raise ValueError(f"unknown organisation action {action}")
    if action == "file_request" and requester(user):
        return None
    if user is None and action != "draft":
        return None
    return member_refusal(user, organisation, OFFICERS)


def organisations_for(user, action: str):
    """The organisations where the user may take `action` (ORGANISATION_ACTIONS): those in their scope
    (access.visible_organisations) when they hold the role, which does not depend on the organisation."""
    from zhengwu.core.models import Organisation

    if action not in ORGANISATION_ACTIONS:
        raise ValueError(f"unknown organisation action {action}")
    if not access.may_act_as(user, *OFFICERS):
        return Organisation.objects.none()
    return access.visible_organisations(user)


def refusal(user, obj, action: str, **kwargs) -> DomainError | None:
    """Why the user may not take `action` on `obj` (a Publication, a DisclosureRequest or an Organisation) now, or
    None."""
    from zhengwu.core.models import Organisation
    from zhengwu.disclosure.models import Publication

    if isinstance(obj, Publication):
        return publication_refusal(user, obj, action)
    if isinstance(obj, Organisation):
        return organisation_refusal(user, obj, action)
    return request_refusal(user, obj, action, **kwargs)


def require(user, obj, action: str, **kwargs) -> None:
    if found := refusal(user, obj, action, **kwargs):
        raise found


def allowed_actions(user, obj) -> dict[str, bool]:
    """Each action of the publication's (the request's) page → may the user take it now."""
    from zhengwu.core.models import Organisation
    from zhengwu.disclosure.models import Publication

    if isinstance(obj, Organisation):
        actions = ORGANISATION_ACTIONS
    else:
        actions = PUBLICATION_ACTIONS if isinstance(obj, Publication) else REQUEST_ACTIONS
    return {action: refusal(user, obj, action) is None for action in actions}
