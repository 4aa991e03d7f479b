"""Who works each handling step and who makes the decision, with the reason a person is told when refused.

行政许可法 第三十四条、第三十八条: the implementing organisation examines the application and decides. A step is taken by
staff who hold its role and act for the item's organisation (`core.access.takes_step`); a general-window clerk of
another office receives applications (一窗受理) but takes no step of the department. The decision is made at the
decision step (kind 决定) by whoever may take it — or, where the item is authorised to the window (窗口授权), by the
organisation's authorised window officer (首席代表, `core.access.decides_at_window`). An instant item (即办件) has no
steps: the implementing organisation's own staff decide it on the spot.

Each function returns the refusal — a DomainError with a stable code and a Chinese message naming the step, the role
and the organisation — or None when the person may act. Services raise it; the workbench offers only what it allows.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.cases.models import POWER_OF_ATTORNEY, Case, CaseStep
from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.core import access
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, ValidationFailed
from zhengwu.core.models import Role

INTAKE_ROLES = (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD)


def _role(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _taker(case: Case, step: CaseStep) -> str:
    """Who takes the step, as a person reads it: 「贵溪市市场监督管理局的部门负责人」."""
    if step.role == Role.CENTRE_MANAGER:
        return _("政务服务中心的%(role)s") % {"role": _role(step.role)}
    return _("%(organisation)s的%(role)s") % {
        "organisation": case.organisation.name,
        "role": _role(step.role),
    }


def step_refusal(user, case: Case, step: CaseStep) -> DomainError | None:
    """Why the user may not take this step (its role in the item's organisation), or None. None acts as the platform."""
    if user is None or access.takes_step(user, step.role, case.organisation):
        return None
    staff = access.staff_of(user)
    said = {"step": step.name, "taker": _taker(case, step), "role": _role(step.role)}
    if staff is None:
        return AccessDenied(
            _("「%(step)s」环节由%(taker)s办理,您不是该机构的工作人员") % said, code="step.not_staff"
        )
    outside = step.role != Role.CENTRE_MANAGER and not access.acts_for(staff, case.organisation)
    if outside or staff.has_role(step.role):
        return AccessDenied(
            _("「%(step)s」环节由%(taker)s办理;您是%(own)s的工作人员,不能办理该机构的环节")
            % {**said, "own": staff.organisation.name},
            code="step.other_organisation",
        )
    return AccessDenied(
        _("「%(step)s」环节由%(taker)s办理,您没有%(role)s角色") % said, code="step.role_required"
    )


def assignee_label(user) -> str:
    """The name of a step's holder as people read it."""
    staff = access.staff_of(user)
    return staff.name if staff else user.get_username()


def holder_refusal(user, case: Case, step: CaseStep) -> DomainError | None:
    """Why the user may not work this step now: not theirs to take, or claimed by someone else (a department head
    of the organisation may still act on it)."""
    refusal = step_refusal(user, case, step)
    if refusal is not None or user is None:
        return refusal
    if (
        step.assignee_id
        and step.assignee_id != user.pk
        and not access.takes_step(user, Role.DEPARTMENT_HEAD, case.organisation)
    ):
        return AccessDenied(
            _("「%(name)s」环节由%(assignee_label)s承办")
            % {"name": step.name, "assignee_label": assignee_label(step.assignee)},
            code="step.taken",
        )
    return None


def claim_refusal(user, case: Case, step: CaseStep) -> DomainError | None:
    """Why the user may not claim this step: not theirs to take, or already claimed by someone else."""
    refusal = step_refusal(user, case, step)
    if refusal is not None:
        return refusal
    if step.assignee_id and step.assignee_id != user.pk:
        return Conflict(
            _("「%(name)s」环节已由%(assignee_label)s认领")
            % {"name": step.name, "assignee_label": assignee_label(step.assignee)},
            code="step.taken",
            field="step",
        )
    return None


def decision_step(case: Case) -> CaseStep | None:
    """The case's decision step (决定环节), if its item has one."""
    return next((s for s in case.steps.all() if s.kind == "decide"), None)


# Other domains' reasons a case may not be decided yet (joint approval: a prerequisite member's result is not in).
# Registered from AppConfig.ready(); each takes the case and returns a DomainError or None.
DECISION_CHECKS: list = []


def add_decision_check(check) -> None:
    if check not in DECISION_CHECKS:
        DECISION_CHECKS.append(check)


# Other domains' materials a case obtains without an upload (joint approval: a prerequisite member's granted result,
# e.g. the 营业执照 of 食品经营许可 from 企业登记). Each takes the case and returns the positions so obtained, or a
# dict {position: how it was obtained} (the label the material tables show).
MATERIAL_SOURCES: list = []


def add_material_source(source) -> None:
    if source not in MATERIAL_SOURCES:
        MATERIAL_SOURCES.append(source)


# the events that record materials received on paper at the window (their data["paper"]: positions): at the
# counter's 收件 (submit), on the paper checklist at acceptance, with a supplement
PAPER_EVENTS = ("submit", "accept", "deem_accept", "supply_supplement")
ACCEPTANCE_EVENTS = ("accept", "deem_accept")


def paper_received(events) -> tuple[set[int], set[int]]:
    """The positions received on paper, from the case's events in order (each with `action` and `data`): those
    recorded at the counter's 收件 (the submit) and not yet taken over by acceptance — acceptance's paper checklist
    is the clerk's authoritative list, so after it the counter's stands for nothing — and those recorded at
    acceptance or with a supplement."""
    counter: set[int] = set()
    window: set[int] = set()
    for event in events:
        positions = {int(p) for p in (event["data"] or {}).get("paper", [])}
        if event["action"] == "submit":
            counter |= positions
        elif event["action"] in PAPER_EVENTS:
            window |= positions
        if event["action"] in ACCEPTANCE_EVENTS:
            counter = set()
    return counter, window


def counter_paper(case: Case) -> list[int]:
    """The materials received on paper at the counter's 收件 while the case waits for acceptance (what the
    acceptance form's paper checklist comes ticked with, and what a deemed acceptance by the platform records)."""
    from zhengwu.cases.records import events_so_far

    return sorted(paper_received(events_so_far(case))[0])


def counter_paper_label() -> str:
    """How a material received on paper at the counter reads before acceptance (the material tables)."""
    return _("已收纸质件(收件时)")


def _obtained(case: Case) -> dict[int, str]:
    """The materials of the case provided without the applicant handing anything in, by position, with how: taken
    from the licence library, or obtained from a prerequisite's result (MATERIAL_SOURCES)."""
    from zhengwu.cases import library

    out: dict[int, str] = {}
    for position, label in library.taken(case).items():
        out[position] = label
    for source in MATERIAL_SOURCES:
        found = source(case)
        labels = found if isinstance(found, dict) else dict.fromkeys(found, _("已获取(前置事项办理结果)"))
        for position, label in labels.items():
            out.setdefault(int(position), label)
    return out


def material_provisions(case: Case, uploaded: set[int] | None = None) -> dict[int, str]:
    """How each provided material of the case was provided, by position: uploaded (a file), received on paper at
    the window (at the counter's 收件 until acceptance, on the paper checklist at acceptance or with a supplement),
    taken from the licence library, or obtained from a prerequisite's result (MATERIAL_SOURCES)."""
    out = _obtained(case)
    if uploaded is None:  # the positions with a file, unless the caller has read them
        uploaded = set(case.materials.values_list("position", flat=True))
    for position in uploaded:
        out.setdefault(position, _("已上传"))
    counter, window = paper_received(
        case.events.filter(action__in=PAPER_EVENTS).order_by("seq").values("action", "data")
    )
    for position in sorted(window):
        out.setdefault(position, _("窗口已收纸质材料"))
    for position in sorted(counter):
        out.setdefault(position, counter_paper_label())
    for position in shared_positions(case):
        out.setdefault(position, _("部门共享获取,无需提交"))
    return out


def shared_positions(case: Case) -> set[int]:
    """The case's materials the department obtains itself by data sharing (数据共享, 免提交: the catalogue's source
    部门共享获取): the applicant hands in nothing, so intake, the paper checklist and a grant never wait for them."""
    from zhengwu.catalog.models import Material

    return {
        m.position
        for m in catalog_selectors.published_materials(case.version)
        if m.source == Material.Source.SHARED
    }


def missing(case: Case, *, paper=None) -> list[dict]:
    """The one rule for which required materials of the case (submission.required_materials: the item's required
    ones — not those asked only in some situations, 视情形提交 — and an agent's power of attorney) are provided in no
    way. Read by acceptance (acceptance_refusal, with its checklist), the grant (material_refusal), the workbench's
    acceptance form, joint approval's completeness check and the demo. A material counts once it is:

    - uploaded: a file at its position — and, in an agent's application, a file at 0 (the power of attorney) counts
      as the item's own 委托书 material where it lists one, as the material tables show it;
    - received on paper at the window. `paper=None`: as recorded now — the counter's 收件 until acceptance, then
      acceptance's checklist. `paper` a list: with this acceptance checklist, which replaces what the counter's
      收件 recorded (the clerk's authoritative list: a material unticked there is not received). In both, paper
      handed in with a supplement;
    - taken from the licence library or obtained from a prerequisite's result (_obtained), or obtained by the
      department itself by data sharing (部门共享获取, 免提交: shared_positions).

    Read only as far as needed: the events (events_so_far: kept on a case this write locked), then the files (read
    with the locked case, records._locked(materials=True), or else from the database) only when the paper does not
    cover it all, then the other ways only for what is still missing."""
    from zhengwu.cases.records import events_so_far
    from zhengwu.cases.selectors import own_power_of_attorney
    from zhengwu.cases.submission import required_materials

    required = required_materials(case)
    if not required:
        return []
    counter, window = paper_received(events_so_far(case))
    have = window | (counter if paper is None else {int(p) for p in paper})
    if any(m["position"] not in have for m in required):
        files = case.__dict__.get("_zw_material_positions")
        have |= set(files) if files is not None else set(case.materials.values_list("position", flat=True))
    if POWER_OF_ATTORNEY in have and case.agent_name:  # 0 counts as the item's own 委托书 material
        own = own_power_of_attorney(case.version, catalog_selectors.published_materials(case.version))
        have |= {own.position} if own is not None else set()
    left = [m for m in required if m["position"] not in have]
    if left:  # the other ways, asked only when needed
        provided = set(_obtained(case)) | shared_positions(case)
        left = [m for m in left if m["position"] not in provided]
    return left


def acceptance_refusal(case: Case, paper) -> DomainError | None:
    """行政许可法 第三十二条: an application is accepted only when its materials are complete; otherwise the applicant is
    told at once of everything to supply (一次性告知补正). Read by accept_case (and so by 即办件 当场办结)."""
    left = missing(case, paper=paper)
    if not left:
        return None
    return ValidationFailed(
        _(
            "必需材料尚未提供:%(m)s。材料不齐全不能受理:已收到纸质材料的请在纸质材料收件清单中勾选,"
            "否则请一次性告知申请人补正(行政许可法第三十二条)"
        )
        % {"m": "、".join(numbered(m) for m in left)},
        code="intake.materials_missing",
        field="paper",
    )


def numbered(material: dict) -> str:
    """A material as the checklists name it: 2. 营业执照复印件 (the power of attorney, material 0, by its name)."""
    return f"{material['position']}. {material['name']}" if material["position"] else material["name"]


def paper_only(medium: str) -> bool:
    """Is a material handed over on paper only (the catalogue's 载体 纸质: an original the window must see), so that
    no file stands for it? A material whose 载体 is 电子 or 纸质或电子 may be uploaded."""
    from zhengwu.catalog.models import Material

    return medium == Material.Medium.PAPER


def at_window_only(version) -> dict[int, str]:
    """The materials an online application takes no file for, position → what the applicant does instead: those the
    catalogue takes on paper only (载体 纸质: the original is brought to the window before acceptance, where and when
    the guide says). Not one the department obtains itself (部门共享获取: nothing to bring), nor the item's own
    委托书 material, which an agent's online application must carry (submission._require_power_of_attorney)."""
    from zhengwu.cases.selectors import own_power_of_attorney
    from zhengwu.catalog.models import Material

    materials = catalog_selectors.published_materials(version)
    own = own_power_of_attorney(version, materials)
    text = hand_in_text(version)
    return {
        m.position: text
        for m in materials
        if paper_only(m.medium)
        and m.source != Material.Source.SHARED
        and (own is None or m.position != own.position)
    }


def hand_in_text(version) -> str:
    """What an applicant's page says instead of a file input for a material taken on paper only (载体 纸质): bring
    the original to the window, where and when the item's guide says."""
    where = where_to_hand_in(version)
    return _(
        "此项只收纸质原件,不能网上上传:提交申请后请携带原件到受理窗口核验%(where)s,窗口收到原件后才能受理。"
    ) % {"where": f"({where})" if where else ""}


def paper_only_refusal(case: Case, position: int, *, field: str) -> DomainError | None:
    """Why the applicant's page takes no file for the material at `position`: the catalogue takes it on paper only
    (载体 纸质) — it is brought to the window, said where and when (the page offers no upload for it) — or None."""
    material = next(
        (m for m in catalog_selectors.published_materials(case.version) if m.position == position), None
    )
    if material is None or not paper_only(material.medium):
        return None
    where = where_to_hand_in(case.version)
    return ValidationFailed(
        _("「%(name)s」只收纸质原件,不能网上上传,请携带原件到受理窗口提交%(where)s")
        % {"name": material.name, "where": f"({where})" if where else ""},
        code="materials.paper_only",
        field=field,
    )


def paper_only_asked(case: Case, items: list[dict]) -> list[str]:
    """The names of the materials a supplement request asks (`items`, each with its position) that the catalogue
    takes on paper only (载体 纸质): such a 补正 is handed in at the window, where the clerk records it — online it
    could never be completed (supply_supplement wants a file or the window's paper for each)."""
    paper = {m.position for m in catalog_selectors.published_materials(case.version) if paper_only(m.medium)}
    return [i["name"] for i in items if i.get("position") is not None and i["position"] in paper]


def supplement_at_window_refusal(case: Case, paper: list[str]) -> DomainError:
    """Why a 补正 asking materials taken on paper only (`paper`, their names) is not completed online."""
    where = where_to_hand_in(case.version)
    return Conflict(
        _("补正材料中「%(m)s」只收纸质原件,请携带全部补正材料到受理窗口提交%(where)s,由窗口登记补正")
        % {"m": "、".join(paper), "where": f"({where})" if where else ""},
        code="supplement.at_window",
        field="materials",
    )


def where_to_hand_in(version) -> str:
    """Where and when the item's window takes paper: its 办理地点 and 办公时间 as the guide gives them."""
    parts = []
    if version.address:
        parts.append(_("办理地点:%(address)s") % {"address": version.address})
    if version.opening_hours:
        parts.append(_("办公时间:%(hours)s") % {"hours": version.opening_hours})
    return ";".join(parts)


def materials_next_text(version, owed: list[dict]) -> str:
    """What an applicant whose received application still lacks required materials (`owed`, from missing) is told
    to do — one text for the signed-in applicant's page and the public lookup: the materials by name, and how each
    is provided: uploaded on the case's page after signing in (or brought to the window), or, for a paper-only one,
    handed in at the window, where and when. Names of catalogue materials only: nothing personal."""
    from zhengwu.cases.stages import NEXT_ACTIONS

    online = [numbered(m) for m in owed if not paper_only(m.get("medium", ""))]
    paper = [numbered(m) for m in owed if paper_only(m.get("medium", ""))]
    text = _("请补齐必需材料:%(m)s。") % {"m": "、".join(numbered(m) for m in owed)}
    if online and paper:
        text += _(
            "其中 %(online)s 可登录后在本办件页面网上上传,或携带纸质原件到受理窗口提交;"
            "%(paper)s 只收纸质原件,须携带到受理窗口提交。"
        ) % {"online": "、".join(online), "paper": "、".join(paper)}
    elif online:
        text += _("可登录后在本办件页面网上上传,或携带纸质原件到受理窗口提交。")
    else:
        text += _("只收纸质原件,须携带到受理窗口提交。")
    where = where_to_hand_in(version)
    if where:
        text += _("受理窗口%(where)s。") % {"where": f"({where})"}
    return text + str(NEXT_ACTIONS["provide_materials"])


def material_refusal(case: Case) -> DomainError | None:
    """A grant needs every required material: 行政许可法 第三十二条第一款第(四)项 (材料不齐全的一次告知补正) and
    第三十四条 (对申请人提交的申请材料进行审查)."""
    left = missing(case)
    if not left:
        return None
    return Conflict(
        _(
            "必需材料尚未提供:%(m)s。材料不齐全不能作出准予许可决定,请先通知申请人补正"
            "(行政许可法第三十二条第一款第(四)项、第三十四条)"
        )
        % {"m": "、".join(numbered(m) for m in left)},
        code="decision.materials_missing",
        field="materials",
    )


def decision_refusal(user, case: Case, step: CaseStep | None) -> DomainError | None:
    """Why the user may not make the decision now (`step`: the open step), or None."""
    for check in DECISION_CHECKS:
        if (refusal := check(case)) is not None:
            return refusal
    if step is None:
        if case.steps.exists():
            return Conflict(_("办件当前没有待办理的环节"), code="decision.no_open_step", field="step")
        return _spot_decision_refusal(user, case)
    if step.kind != "decide":
        target = decision_step(case)
        return Conflict(
            _("当前环节为「%(step)s」,决定须在决定环节「%(decision)s」作出(行政许可法第三十四条、第三十八条)")
            % {"step": step.name, "decision": target.name if target else _("决定")},
            code="decision.not_at_decision_step",
            field="step",
        )
    refusal = holder_refusal(user, case, step)
    if refusal is None:
        return None
    if case.version.window_authorised and access.decides_at_window(user, case.organisation):
        return None  # 窗口授权: the chief representative decides at the window
    staff = access.staff_of(user)
    at_window = (
        staff is not None
        and staff.window_id is not None
        and staff.has_role(Role.WINDOW_CLERK)
        and access.acts_for(staff, case.organisation)
    )
    if at_window and not case.version.window_authorised:
        return AccessDenied(
            _("本事项未授权窗口办理(窗口授权),窗口工作人员不能作出决定;决定由%(taker)s在「%(step)s」环节作出")
            % {"taker": _taker(case, step), "step": step.name},
            code="decision.window_not_authorised",
        )
    return refusal


def _spot_decision_refusal(user, case: Case) -> DomainError | None:
    """即办件 (and items without steps): decided on the spot by the implementing organisation's own staff."""
    staff = access.staff_of(user)
    if user is None or (
        staff is not None and staff.has_role(*INTAKE_ROLES) and access.acts_for(staff, case.organisation)
    ):
        return None
    organisation = case.organisation.name
    if staff is None:
        return AccessDenied(_("决定由%(o)s作出") % {"o": organisation}, code="decision.not_staff")
    return AccessDenied(
        _("即办件由实施机构%(o)s的工作人员当场作出决定;您是%(own)s的工作人员,可以收件、受理,不能代为作出决定")
        % {"o": organisation, "own": staff.organisation.name},
        code="decision.other_organisation",
    )


def unfinished_after_decision(case: Case, *, action: str) -> DomainError | None:
    """The refusal to deliver or complete (`action`: "deliver" or "complete") while a step after the decision (制证)
    is still open; an open 送达 step is what delivery itself completes."""
    step = next((s for s in case.steps.all() if s.state == CaseStep.State.OPEN), None)
    if step is None or (step.kind == "deliver" and action == "deliver"):
        return None
    return Conflict(
        _("「%(step)s」环节(%(taker)s)尚未完成,完成后才能%(then)s")
        % {
            "step": step.name,
            "taker": _taker(case, step),
            "then": _("送达") if action == "deliver" else _("办结"),
        },
        code="steps.unfinished",
        field="step",
    )
