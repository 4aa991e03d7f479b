"""Supervision's rules are the only alerts: the rows cases kept in its own CaseAlert table (再次补正新增材料 and 视为受理)
become supervision alerts, with the moment they were raised, their text and facts, the case, the organisation and
the event that broke the rule. Where supervision's rule already raised the same alert (same key) that one stays —
with its review history — and the copy is dropped. cases.0005 then removes the table."""

from django.db import migrations

SERIOUS, WARNING = "serious", "warning"

# the CaseAlert code → (supervision code, severity, title, the event that broke the rule)
RULES = {
    "supplement.repeated_new_materials": (
        "case.supplement.repeated_new_materials",
        WARNING,
        "再次补正新增首次未告知的材料",
        "request_supplement",
    ),
    "intake.deemed_accepted": ("case.intake.late", SERIOUS, "受理审查超过 5 个工作日", "deem_accept"),
}


def _event(CaseEvent, row):
    """The event the alert was raised on: the request of that round, or the deemed acceptance."""
    action = RULES[row.code][3] if row.code in RULES else None
    if action is None:
        return None
    events = CaseEvent.objects.filter(case_id=row.case_id, action=action).order_by("seq")
    if action == "request_supplement":
        wanted = (row.data or {}).get("round")
        return next((e for e in events if (e.data or {}).get("round") == wanted), None)
    return events.first()


def fold(rows, Alert, CaseEvent) -> int:
    """Each CaseAlert-like row as a supervision alert, once; the number created."""
    made = 0
    for row in rows:
        code, severity, title, _ = RULES.get(row.code, (f"case.{row.code}", WARNING, "办件异常", None))
        event = _event(CaseEvent, row)
        key = f"{code}:e{event.pk}" if event is not None else f"{code}:c{row.case_id}:casealert{row.pk}"
        _, created = Alert.objects.get_or_create(
            key=key[:120],
            defaults={
                "code": code,
                "severity": severity,
                "title": title,
                "explanation": row.message,
                "data": {**(row.data or {}), "from": "cases.casealert"},
                "case_id": row.case_id,
                "event_id": event.pk if event is not None else None,
                "organisation_id": row.organisation_id,
                "raised_at": row.raised_at,
            },
        )
        made += created
    return made


def forwards(apps, schema_editor):
    fold(
        apps.get_model("cases", "CaseAlert").objects.order_by("pk"),
        apps.get_model("supervision", "Alert"),
        apps.get_model("cases", "CaseEvent"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_step_kind"),
        ("supervision", "0005_domain_prefixed_codes"),
    ]

    # Backwards keeps the alerts: they are supervision's now (cases.0005 backwards recreates an empty table).
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
