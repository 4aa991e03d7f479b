"""What the library adds to the case pages (cases.extensions, registered in LicencesConfig.ready): the licence the case
issued and the cases that took it (a joint case's other members), and the licences the case took from the library
instead of an upload — one query, nothing shown for a case that has neither."""

from __future__ import annotations

from django.db.models import Q
from django.template.loader import render_to_string

from zhengwu.licences.models import LicenceUse


def _rows(case) -> dict | None:
    if not case.pk:
        return None
    uses = list(
        LicenceUse.objects.filter(
            Q(case=case, purpose__in=[LicenceUse.Purpose.ISSUE, LicenceUse.Purpose.REUSE])
            | Q(licence__case=case, purpose=LicenceUse.Purpose.REUSE)
        )
        .select_related("licence", "licence__type", "case")
        .order_by("at", "id")
    )
    if not uses:
        return None
    issued = [u for u in uses if u.purpose == LicenceUse.Purpose.ISSUE]
    taken = [u for u in uses if u.purpose == LicenceUse.Purpose.REUSE and u.case_id == case.pk]
    for use in taken:  # services.reuse notes "material" or "material:how" (a joint member's result)
        use.material, _, use.via = use.note.partition(":")
    passed = [u for u in uses if u.purpose == LicenceUse.Purpose.REUSE and u.case_id != case.pk]
    return {"issued": issued, "taken": taken, "passed": passed}


def _mask_held(licence) -> None:
    """What the decision's warning quotes of a held licence (its 经营项目, what tells it apart: a person's 经营场所 is
    their home), masked as the licence's own page shows it (licences.selectors.personal_fields)."""
    from zhengwu.core import personal
    from zhengwu.licences.selectors import personal_fields

    data = personal.shown(personal_fields(licence), revealed=False).get("data", {})
    licence.shown_subject = data.get("subject", "")
    told = licence.distinguished_by
    licence.shown_distinction = {**told, "value": data.get(told["key"], told["value"])} if told else None


def portal_panel(request, case) -> str:
    rows = _rows(case)
    if rows is None:
        return ""
    return render_to_string("licences/portal/_case_panel.html", {**rows, "staff": False}, request=request)


def workbench_panel(request, case) -> str:
    rows = _rows(case)
    held: list = []
    licence_type = None
    if case.pk and case.decided_at is None:
        from zhengwu.licences import services
        from zhengwu.licences.selectors import visible

        licence_type, held = services.held_before_grant(case)
        # listed for the decision either way; linked only where the person may open the licence
        seen = set(visible(request.user).filter(pk__in=[h.pk for h in held]).values_list("pk", flat=True))
        for licence in held:
            licence.openable = licence.pk in seen
            _mask_held(licence)
    missing = None
    if case.pk and case.decision == "grant" and not (rows and rows["issued"]):
        from zhengwu.licences import permissions, services

        # a grant without its licence (the alert 准予许可未签发电子证照): the implementing staff issue it here
        missing = services.missing_for(case)
        if missing is not None:
            missing.may_issue = permissions.may_issue(request.user, case)
    if rows is None and not held and missing is None:
        return ""
    if (
        rows is not None
    ):  # a staff link is shown only where the person may open the licence (a link shown works)
        from zhengwu.licences.selectors import visible

        listed = [u.licence for key in ("issued", "taken") for u in rows[key]]
        opens = set(visible(request.user).filter(pk__in=[x.pk for x in listed]).values_list("pk", flat=True))
        for licence in listed:
            licence.openable = licence.pk in opens
    context = {
        **(rows or {}),
        "staff": True,
        "held": held,
        "held_type": licence_type,
        "missing": missing,
        "case": case,
    }
    return render_to_string("licences/portal/_case_panel.html", context, request=request)
