"""What bundle pages show: the guide of one bundle, the 并联审批目录 of all published bundles and the 实施手册 of
one (basis, documents, authority, procedure, limits and commitments per department, by stage)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from zhengwu.cases.models import Notice
from zhengwu.catalog import rules as catalog_rules
from zhengwu.core import clock
from zhengwu.joint import bundles, rules
from zhengwu.joint.models import Bundle, BundleVersion


def published_bundles() -> QuerySet[Bundle]:
    return (
        Bundle.objects.filter(current_version__isnull=False)
        .select_related("current_version", "lead_organisation")
        .order_by("current_version__category", "code")
    )


def _members(version: BundleVersion) -> list[dict]:
    members = list(
        version.members.select_related("item__current_version", "item__organisation").prefetch_related(
            "item__current_version__materials", "item__current_version__steps"
        )
    )
    finish = rules.finish_days(
        [
            rules.Member(
                m.position,
                m.stage,
                m.item.current_version.legal_limit,
                m.item.current_version.promised_limit,
                m.needs,
            )
            for m in members
        ]
    )
    names = {m.position: m.item.current_version.name for m in members}
    rows = []
    for m in members:
        current = m.item.current_version
        rows.append(
            {
                "position": m.position,
                "stage": m.stage,
                "item": m.item,
                "version": current,
                "name": current.name + (f"({current.sub_name})" if current.sub_name else ""),
                "organisation": m.item.organisation,
                "lead": m.item.organisation_id == version.bundle.lead_organisation_id,
                "needs": [names[n] for n in m.needs if n in names],
                "legal_limit": current.legal_limit,
                "promised_limit": current.promised_limit,
                "due_in": finish.get(m.position, 0),
                "type_label": str(catalog_rules.ITEM_TYPES.get(m.item.item_type, "")),
                "result_name": current.result_name,
                "legal_basis": current.legal_basis,
                "materials": list(current.materials.all()),
                "steps": [
                    {
                        "name": s.name,
                        "days": s.days,
                        "role": str(catalog_rules.STEP_ROLES.get(s.role, s.role)),
                    }
                    for s in current.steps.all()
                ],
            }
        )
    return rows


def stages(version: BundleVersion, members: list[dict] | None = None) -> list[dict]:
    members = members if members is not None else _members(version)
    out = []
    for number, name in enumerate(version.stage_names, start=1):
        rows = [m for m in members if m["stage"] == number]
        out.append({"number": number, "name": name, "members": rows, "parallel": len(rows) > 1})
    return out


def guide_context(version: BundleVersion) -> dict:
    members = _members(version)
    # the merged list as the members' versions in force say now: a material a department has come to obtain by data
    # sharing since the bundle was published is not asked of the applicant (rules.sharing_now)
    materials = rules.sharing_now(
        version.merged_materials,
        {(m["position"], mat.position): mat.source for m in members for mat in m["materials"]},
    )
    return {
        "bundle": version.bundle,
        "version": version,
        "members": members,
        "stages": stages(version, members),
        "organisations": sorted({m["organisation"].name for m in members if m["organisation"]}),
        # the departments working alongside the lead one (the lead is named on its own: 由…主办,…并联办理)
        "other_organisations": sorted(
            {
                m["organisation"].name
                for m in members
                if m["organisation"] and m["organisation"].pk != version.bundle.lead_organisation_id
            }
        ),
        "materials": materials,
        "shared_materials": sum(1 for m in materials if m.get("shared")),
        "from_results": sum(1 for m in materials if m.get("from_member")),
        "by_sharing": sum(1 for m in materials if m.get("by_sharing")),
        "form": version.merged_form,
        "cap_citation": rules.CAP_CITATION,
        "cap_text": rules.CAP_TEXT,
        "cap": rules.JOINT_CAP + (rules.JOINT_EXTENSION if version.extension_approval else 0),
    }


def directory() -> list[dict]:
    """The 并联审批目录: every published bundle, its stages and the departments and items in each."""
    rows = []
    for bundle in published_bundles():
        version = bundle.current_version
        members = _members(version)
        rows.append(
            {"bundle": bundle, "version": version, "stages": stages(version, members), "members": members}
        )
    return rows


# ---- joint cases ----------------------------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def joint_summary(joint, *, user=None) -> dict:
    """A joint case as people read it (the API's JointCaseOut and the pages): the bundle as a row of departments,
    each with its state and due dates, the joint due date and the joint warning level (the worst member's)."""
    from zhengwu.cases.models import CLOSED_STATUSES, Status
    from zhengwu.core import access
    from zhengwu.core.masking import mask_name
    from zhengwu.joint import meetings, services, supervision
    from zhengwu.joint.models import Forwarding
    from zhengwu.supervision import levels

    members = list(
        joint.members.select_related("case__organisation", "case__version", "case__item").order_by(
            "stage", "position"
        )
    )
    names = {m.position: m.case.version.name for m in members}
    departments = {
        m.position: f"{m.case.organisation.short_name or m.case.organisation.name}「{m.case.version.name}」"
        for m in members
    }
    by_position = {m.position: m for m in members}
    rows = []
    for m in members:
        case = m.case
        level = supervision.member_level(case)
        # the results this member needs, read once (with the members already read)
        results = services.prerequisite_results(m, members=by_position) if m.needs else []
        rows.append(
            {
                "position": m.position,
                "stage": m.stage,
                "stage_name": (
                    joint.version.stage_names[m.stage - 1]
                    if m.stage - 1 < len(joint.version.stage_names)
                    else ""
                ),
                "number": case.number,
                "organisation": case.organisation.name,
                "item": case.version.name,
                "item_code": case.item.code,
                "state": case.status,
                "state_label": str(case.get_status_display()),
                "closed": case.status in CLOSED_STATUSES,  # ended: no due date to promise any more
                "decision": case.decision,
                "decision_label": str(case.get_decision_display()) if case.decision else "",
                "legal_due": _iso(case.legal_due),
                "promised_due": _iso(case.promised_due),
                # counted over a year whose holiday arrangement is not published yet (core.calendar): 暂定
                "due_provisional": bool(case.due_provisional),
                # accepted, its limits counted from a prerequisite member's result not made yet (services.start_clocks)
                "clock_waits_for": (
                    "、".join(r["item"] for r in results if not r["ready"])
                    if case.accepted_on and not case.legal_due and case.status in ("accepted", "suspended")
                    else ""
                ),
                "answer": m.answer,
                # a member that ended (不予受理, 撤回, 终止) unanswered shows how it ended, not 待确认; one not accepted
                # or terminated shows only its ending, whatever it had answered (not 不予受理 已确认材料齐全)
                "answer_label": str(case.get_status_display())
                if case.status in (Status.REFUSED, Status.TERMINATED)
                or (not m.answer and (case.status in CLOSED_STATUSES or not joint.is_open))
                else str(m.get_answer_display()),
                # each item also by the number the applicant sees in the merged list (`material`)
                "missing": [
                    {**item, "material": services.merged_number(joint, m.position, item.get("position"))}
                    for item in m.missing
                ],
                "needs": [names[n] for n in m.needs if n in names],
                "results": [
                    {
                        k: (v.isoformat() if hasattr(v, "isoformat") else v)
                        for k, v in r.items()
                        if k != "notice_token"
                    }
                    for r in results
                    # an ended member waits for nothing: only the results it did take are shown
                    if r["ready"] or (case.status not in CLOSED_STATUSES and joint.is_open)
                ],
                "level": level,
                "level_label": str(levels.LABELS[level]),
            }
        )
    level = max((r["level"] for r in rows), key=supervision.ORDER.get, default=levels.NORMAL)
    # members accepted whose clock has not started (it starts at a prerequisite's result): the joint due date then
    # falls back on the bundle's overall limit from acceptance (services.refresh), and the pages say so
    waiting = [{"item": r["item"], "waits_for": r["clock_waits_for"]} for r in rows if r["clock_waits_for"]]
    due_note = (
        _("按一件事总时限;%(members)s")
        % {
            "members": ";".join(
                _("「%(item)s」待「%(waits)s」结果后起算") % {"item": w["item"], "waits": w["waits_for"]}
                for w in waiting
            )
        }
        if waiting and joint.legal_due and joint.is_open
        else ""
    )
    staff = user is not None and access.staff_of(user) is not None
    notices = list(joint.notices.all())
    supplies = list(joint.events.filter(action="supply").order_by("at").values_list("at", flat=True))
    supplied = {  # a combined notice is answered by the applicant's first supply after it
        n.pk: next((at for at in supplies if at >= n.issued_at), None)
        for n in notices
        if n.kind == "combined"
    }
    refusals = []
    for n in notices:
        if n.kind not in ("refusal", "not_accepted"):
            continue
        at_intake = n.kind == "not_accepted"
        # cited by the refusing department's own written decision (不予受理通知书 / 不予许可决定书), linked; the
        # joint notice is the lead's circular to the members (通报)
        refused_member = by_position.get(n.essentials["refused"]["position"])
        own = refused_member and own_decision(refused_member.case, at_intake=at_intake)
        refusals.append(
            {
                **n.essentials["refused"],
                "reasons": n.essentials.get("reasons", ""),
                "legal_basis": n.essentials.get("legal_basis", ""),
                "stopped": [r["item"] for r in n.essentials.get("stopped", [])],
                "continuing": [r["item"] for r in n.essentials.get("continuing", [])],
                "document_number": own.document_number if own else n.document_number,
                "notice_url": (_notice_url(joint, refused_member.case, own, staff=staff) if own else ""),
                "circular_number": n.document_number,
                "at_intake": at_intake,
            }
        )
    return {
        "kind": "joint",
        "number": joint.number,
        "query_code": joint.query_code,  # as on an ordinary case: the window tells it to the applicant
        "bundle_code": joint.bundle.code,
        "bundle_name": joint.version.name,
        "phase": joint.phase,
        "phase_label": str(joint.get_phase_display()),
        "lead_organisation": joint.lead_organisation.name,
        "lead_window": str(joint.lead_window) if joint.lead_window_id else "",
        "applicant_name": mask_name(joint.applicant.name)
        if staff and joint.applicant.kind == "natural"
        else joint.applicant.name,
        "channel": joint.channel,
        "received_at": _iso(joint.created_at),
        "accepted_on": _iso(joint.accepted_on),
        "legal_due": _iso(joint.legal_due),
        "promised_due": _iso(joint.promised_due),
        "due": _iso(joint.legal_due),
        "due_provisional": any(r["due_provisional"] for r in rows),
        "clocks_waiting": waiting,
        "due_note": str(due_note),
        "level": level,
        "level_label": str(levels.LABELS[level]),
        "late": level == levels.RED and joint.is_open,
        "is_open": joint.is_open,
        # an ended joint case says how and when it ended, not a due date it no longer has
        "ended_on": _iso(clock.local_date(joint.finished_at)) if joint.finished_at else None,
        "revision": joint.revision,
        "members": rows,
        "meetings": [
            {
                "id": mt.pk,
                "kind": mt.kind,
                "kind_label": str(mt.get_kind_display()),
                "scheduled_on": _iso(mt.scheduled_on),
                "scheduled_at": mt.scheduled_at and mt.scheduled_at.isoformat("minutes"),
                "when": mt.when_label(),
                "place": mt.place,
                "agenda": mt.agenda,
                "positions": mt.positions,
                "closed": bool(mt.minutes_at),
                # 已召开 once its start has passed and its minutes are in (never before its date)
                "held": bool(mt.minutes_at) and mt.held(),
                "held_yet": mt.held(),
                "applicant_attends": mt.applicant_attends,
                "opinions": [
                    {
                        "position": o.position,
                        # who said it, as the pages name a member: its department and item
                        "member": departments.get(o.position, ""),
                        "opinion": o.opinion,
                    }
                    for o in mt.opinions.all()
                ],
            }
            for mt in joint.meetings.all()
        ],
        "forwardings": [
            {
                "position": f.member.position,
                "organisation": f.member.case.organisation.name,
                "item": f.member.case.version.name,
                "reply": f.reply,
                **meetings.forward_period(f),
            }
            for f in Forwarding.objects.filter(member__joint=joint).select_related(
                "member__case__organisation", "member__case__version"
            )
        ],
        "notices": [
            {
                "kind": n.kind,
                "kind_label": str(n.get_kind_display()),
                "document_number": n.document_number,
                "issued_at": _iso(n.issued_at),
                "essentials": n.essentials,
                "answered_at": clock.local_date(supplied[n.pk]).isoformat() if supplied.get(n.pk) else None,
                "after_supply": _after_supply(joint, n, notices) if supplied.get(n.pk) else "",
            }
            for n in notices
        ],
        "refusals": refusals,
    }


def _after_supply(joint, notice, notices) -> str:
    """Where a 联合一次性告知书 the applicant answered stands now: the departments that asked are re-examining the
    supply (`rechecking`), asked again in a later notice (`again`), confirmed it and the application was accepted
    jointly (`accepted`), or the application ended otherwise (`ended`)."""
    from zhengwu.joint.models import Phase

    if any(n.kind == "combined" and n.issued_at > notice.issued_at for n in notices):
        return "again"
    if joint.accepted_on:
        return "accepted"
    if joint.phase in (Phase.NOTIFIED, Phase.SUPPLEMENT):
        return "rechecking"
    return "ended"


def own_decision(case, *, at_intake: bool):
    """The member case's own written refusal: its 不予受理通知书 (at intake) or 不予许可决定书."""
    kind = Notice.Kind.REFUSAL if at_intake else Notice.Kind.DENIAL
    return case.notices.filter(kind=kind).order_by("-issued_at", "-pk").first()


def _notice_url(joint, case, notice, *, staff: bool) -> str:
    """Where the page links a member's own written refusal: the applicant to it on their own case; staff to it
    through the joint case (`member_decision`), which everyone who sees the joint page may read — the lead window's
    clerk of another department may not open that member's case."""
    if staff:
        return reverse("workbench_joint:member_decision", args=[joint.number, notice.pk])
    return reverse("portal_cases:notice_pdf", args=[case.number, notice.pk])


def member_decision(joint, notice_id: int) -> Notice:
    """A member department's own 不予受理通知书 or 不予许可决定书, read through the joint case it belongs to: whoever may
    see the joint case (services.joint_by_number) reads the member's refusal the joint page cites, as they read its
    reasons there; any other notice, or one of another joint case's member, is NotFound."""
    from zhengwu.core.errors import NotFound

    notice = (
        Notice.objects.filter(
            pk=notice_id,
            case__joint_member__joint=joint,
            kind__in=(Notice.Kind.REFUSAL, Notice.Kind.DENIAL),
        )
        .select_related("case")
        .first()
    )
    if notice is None:
        raise NotFound(_("找不到该文书"), field="notice")
    return notice


def reads_decision_in_full(user, case) -> bool:
    """Who reads a member's written refusal (member_decision) with the people it names in full: as any notice of
    the member case (cases.selectors.reads_notice_in_full) — the staff of its own organisation who handle it and the
    window that received it. Everyone else who sees the joint page — the lead window's clerk of another department,
    a supervisor — reads them masked (张*), as the joint page shows them before a reveal: a PDF is downloaded without
    a reason given."""
    from zhengwu.cases import selectors as case_selectors

    return case_selectors.reads_notice_in_full(user, case)


def personal_fields(joint) -> list:
    """What staff are shown of the applicant and the agent (as on the member cases, which share them) and of the
    merged form in its order, each field with its personal kind (core.personal)."""
    from zhengwu.cases import selectors as case_selectors
    from zhengwu.core import personal

    member = joint.members.select_related("case__applicant", "case__version").order_by("position").first()
    people = [f for f in case_selectors.personal_fields(member.case) if f.group != "form"] if member else []
    merged = {
        "properties": {f["key"]: {**f["schema"], "title": f["title"]} for f in joint.version.merged_form}
    }
    return people + personal.form_fields(merged, joint.form)


def may_reveal_personal(user, joint) -> bool:
    """Who may see the joint case's personal data in full (with a reason): the staff handling one of its member
    cases, the clerks of its lead window and of the window that received it (统一登记), and the supervisors over
    it — as for a single case."""
    from zhengwu.cases import selectors as case_selectors
    from zhengwu.core import access

    if joint.window_id and access.may_reveal_personal(user, window=joint.window, overseers=()):
        return True
    return access.may_reveal_personal(
        user,
        organisations=[m.case.organisation for m in joint.members.select_related("case__organisation")],
        roles=case_selectors.REVEAL_ROLES,
        window=joint.lead_window,
        region=joint.lead_organisation.region,
    )


def member_checklist(joint, member) -> list[dict]:
    """A member department's own materials as the applicant sees them in the merged list (its number there, its
    name there), for the member window to tick what needs 补正. Each row: `position` (the member item's own
    material number, what the services take), `merged_position`, `name`, and `from_member_name` when the material
    is a prerequisite member's result (never asked of the applicant); `missing` when it is required and not
    provided yet."""
    from zhengwu.cases import selectors as case_selectors

    merged = {
        u["position"]: e
        for e in joint.version.merged_materials
        for u in e["members"]
        if u["key"] == member.position
    }
    # required and not provided yet: ticked from the start, so that the combined notice lists everything at once
    # (a member that ticks only what it looked at would have its confirmation refused after the supply, and the
    # applicant would be told a second time)
    unprovided = {
        row["position"] for row in case_selectors.material_checklist(member.case) if row.get("missing")
    }
    rows = []
    for mat in member.case.version.materials.order_by("position"):
        entry = merged.get(mat.position)
        rows.append(
            {
                "position": mat.position,
                "merged_position": entry["position"] if entry else None,
                "name": entry["name"] if entry else mat.name,
                "from_member_name": (entry or {}).get("from_member_name", "")
                if (entry or {}).get("from_member")
                else "",
                # not on the applicant's list at all: the department obtains it itself (e.g. by data sharing)
                "not_asked": entry is None,
                "missing": mat.position in unprovided,
            }
        )
    rows.sort(key=lambda r: (r["merged_position"] is None, r["merged_position"] or 0, r["position"]))
    return rows


def member_results(joint) -> list[dict]:
    """Each member's decision as the applicant gets it: department, item, result name, 文号, the e-licence it
    issued (number, `licence_identifier` for the wallet link the page shows where it opens), and how the result
    reaches them (送达); a denial with its reasons and legal basis (the 不予许可决定书 and the joint 通报)."""
    from zhengwu.cases import extensions as case_extensions
    from zhengwu.cases.models import Decision, Status

    basis = {  # the joint 成员不予许可通报 names the legal basis the member cited
        n.essentials.get("refused", {}).get("position"): n.essentials.get("legal_basis", "")
        for n in joint.notices.filter(kind="refusal")
    }
    rows = []
    for m in joint.members.select_related("case__organisation", "case__version").order_by(
        "stage", "position"
    ):
        case = m.case
        if not case.decision or not case.decided_at:
            continue
        grant = case.decision == Decision.GRANT
        notice = case.notices.filter(kind="grant" if grant else "denial").order_by("-issued_at").first()
        essentials = notice.essentials if notice else {}
        issued = getattr(case, "licences", None)  # the licence library's Licence.case (no import of licences)
        licence = (
            issued.select_related("type").order_by("-version", "-id").first() if grant and issued else None
        )
        dispatch = case_extensions.dispatch_state(case)
        if dispatch is not None:
            delivery = dispatch["label"]
        elif case.status in (Status.DELIVERED, Status.COMPLETED):
            delivery = str(_("已送达"))
        else:
            how = case.get_requested_delivery_display() if case.requested_delivery else ""
            delivery = str(_("待送达(%(how)s)") % {"how": how}) if how else str(_("待送达"))
        rows.append(
            {
                "position": m.position,
                "organisation": case.organisation.name,
                "item": case.version.name,
                "case_number": case.number,
                "grant": grant,
                "decision_label": str(case.get_decision_display()),
                "decided_on": _iso(clock.local_date(case.decided_at)),
                "result_name": (essentials.get("result_name") or case.version.result_name) if grant else "",
                "document_number": notice.document_number if notice else "",
                "licence_type": licence.type.name if licence else "",
                "licence_number": licence.number if licence else "",
                "licence_identifier": licence.identifier if licence else "",
                "delivery": delivery if grant or notice else "",
                "reasons": "" if grant else essentials.get("reasons", ""),
                "legal_basis": "" if grant else basis.get(m.position, ""),
            }
        )
    return rows


def merged_checklist(joint) -> list[dict]:
    """The merged material list as the applicant's material table shows it: each entry with how it was provided,
    read from every member case that uses it through the single-case checklist (cases.selectors.material_checklist:
    uploaded files, 窗口已收纸质材料, 已调取 from the licence library, 已获取 from a member's result); `missing` when a
    required one is provided to some member in none of those ways; `asked` the 补正 problems members raised, each
    with the department that raised it (`organisation`, its short name): a material several members share is one row
    however many ask about it."""
    from zhengwu.cases import handling
    from zhengwu.cases import selectors as case_selectors
    from zhengwu.cases.models import CLOSED_STATUSES as CLOSED
    from zhengwu.joint import services

    members = list(joint.members.select_related("case__version", "case__organisation"))
    checklists = {
        m.position: {row["position"]: row for row in case_selectors.material_checklist(m.case)}
        for m in members
    }
    by_position = {m.position: m for m in members}
    rows = []
    for entry in bundles.materials_now(joint.version, joint=joint):
        # a member case that ended (不予受理, 撤回, 终止) takes no materials: it asks for none of them any more
        not_needed = services.no_longer_needed(entry, by_position)
        live = [
            u
            for u in entry["members"]
            if (m := by_position.get(u["key"])) is None or m.case.status not in CLOSED
        ]
        used = [checklists.get(u["key"], {}).get(u["position"]) for u in live]
        used = [row for row in used if row is not None]
        # optional for every member that uses it (not required, or asked only in a stated case): 视情形提交
        conditional = bool(used) and all(row.get("conditional") for row in used)
        missing = any(row["missing"] for row in used)
        files, names = [], set()
        for row in used if not missing else []:
            for f in row["files"]:  # one upload is copied to every member that needs it: listed once
                if f.filename not in names:
                    names.add(f.filename)
                    files.append(f)
        asked = [
            {
                "organisation": m.case.organisation.short_name or m.case.organisation.name,
                "problem": i["problem"],
            }
            for m in members
            for i in m.missing
            if any(u["key"] == m.position and u["position"] == i["position"] for u in entry["members"])
        ]
        rows.append(
            {
                **entry,
                "files": files,
                "via": "" if missing else next((row["via"] for row in used if row["via"]), ""),
                "missing": missing,
                "conditional": conditional,
                "condition": next((row["condition"] for row in used if row.get("condition")), ""),
                "asked": asked,
                "not_needed": not_needed,
                # taken on paper only by every member using it: the page says where to bring it, no file input
                "hand_in": handling.hand_in_text(by_position[live[0]["key"]].case.version)
                if entry.get("paper_only") and live and live[0]["key"] in by_position
                else "",
            }
        )
    return rows


def public_summary(number: str, query_code: str) -> dict | None:
    """What anyone with a joint case's number and query code may see (the portal's lookup, GET
    /api/cases/status): the departments' row, dates and how it ended, names masked, no notice texts. None when no
    joint case has this number (then it is an ordinary case's); NotFound when the query code is wrong."""
    from zhengwu.core.errors import NotFound
    from zhengwu.core.masking import mask_name
    from zhengwu.joint.models import JointCase

    number = str(number or "").strip()
    joint = (
        JointCase.objects.select_related("bundle", "version", "lead_organisation", "lead_window", "applicant")
        .filter(number=number)
        .first()
    )
    if joint is None:
        return None
    if not query_code or joint.query_code != str(query_code).strip().upper():
        raise NotFound(_("办件编号或查询码不正确"), field="query_code")
    summary = joint_summary(joint)
    summary["applicant_name"] = mask_name(joint.applicant.name)
    summary["query_code"] = None
    summary["notices"] = [  # which notices were issued, not what they say (names, addresses)
        {k: n[k] for k in ("kind", "kind_label", "document_number", "issued_at")} for n in summary["notices"]
    ]
    summary["refusals"] = []
    summary["meetings"] = []
    summary["forwardings"] = []
    for m in summary["members"]:
        m["missing"], m["results"] = [], []
    return summary


def hall_figures(centre) -> dict:
    """The hall screen's joint figures for a centre: open joint cases led by an organisation of its region, and
    their member cases (one per department item) still open — a department's item already 办结 is not 在办."""
    from zhengwu.cases.models import OPEN_STATUSES
    from zhengwu.joint.models import OPEN_PHASES, JointCase, JointMember

    joints = JointCase.objects.filter(lead_organisation__region=centre.region)
    members = JointMember.objects.filter(joint__lead_organisation__region=centre.region)
    return {
        "joint_open": joints.filter(phase__in=OPEN_PHASES).count(),
        "joint_members_open": members.filter(
            joint__phase__in=OPEN_PHASES, case__status__in=OPEN_STATUSES
        ).count(),
    }


def dashboard_figures(user) -> dict:
    """The supervision dashboard's joint panel: open 联办件 the user may see, their member cases still open, and the
    联办件 late because one member is past its legal due date (late as soon as one member is)."""
    from zhengwu.cases.models import OPEN_STATUSES
    from zhengwu.joint import services
    from zhengwu.joint.models import OPEN_PHASES, JointMember

    joints = services.visible_joint_cases(user).filter(phase__in=OPEN_PHASES).order_by()
    members = JointMember.objects.filter(joint__in=joints.values("pk"), case__status__in=OPEN_STATUSES)
    late = members.filter(case__legal_due__lt=clock.today())
    figures = {
        "open": joints.count(),
        "members_open": members.count(),
        "late": late.values("joint").distinct().count(),
        "members_late": late.count(),
    }
    return {"joint_panel": figures} if figures["open"] or figures["members_late"] else {}


def joint_numbers(case_ids: list[int]) -> dict[int, str]:
    """Which of these cases are members of a joint case (联办件) → its number, in one query."""
    from zhengwu.joint.models import JointMember

    return dict(JointMember.objects.filter(case_id__in=case_ids).values_list("case_id", "joint__number"))


def window(pk):
    """A window by its id (as chosen on a form), or None."""
    from zhengwu.core.models import Window

    return Window.objects.filter(pk=pk or 0).first()


def is_joint_number(number: str) -> bool:
    """Is this the number of a joint case (联办件), whoever may see it? (GET /api/cases/{number} then answers the joint
    case, through services.joint_by_number's scope, rather than an ordinary case.)"""
    from zhengwu.joint.models import JointCase

    return JointCase.objects.filter(number=str(number).strip()).exists()


def bundles_listed():
    from zhengwu.joint.models import Bundle

    return Bundle.objects.select_related("lead_organisation", "current_version").order_by("code")


def bundle_by_code(code: str):
    from zhengwu.joint.models import Bundle

    return Bundle.objects.filter(code=code).select_related("lead_organisation", "current_version").first()


def member_items():
    """The items a bundle may take as members: those in force, by organisation and code."""
    from zhengwu.catalog.models import ServiceItem

    return (
        ServiceItem.objects.filter(status=ServiceItem.Status.ACTIVE, current_version__isnull=False)
        .select_related("current_version", "organisation")
        .order_by("organisation__name", "code")
    )


def organisations_of(items):
    from zhengwu.core.models import Organisation

    return Organisation.objects.filter(pk__in=items.values("organisation_id")).order_by("name")
