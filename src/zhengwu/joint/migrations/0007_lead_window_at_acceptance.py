"""Joint cases accepted before the lead window was recorded at acceptance (they showed 主办窗口:未指定): the window
of the clerk who sent the 联办通知, else the lead department's 专窗 in its region's own centre."""

from django.db import migrations


def backfill(apps, schema_editor):
    JointCase = apps.get_model("joint", "JointCase")
    JointEvent = apps.get_model("joint", "JointEvent")
    Staff = apps.get_model("core", "Staff")
    Window = apps.get_model("core", "Window")
    for joint in JointCase.objects.filter(lead_window__isnull=True, notified_at__isnull=False):
        event = JointEvent.objects.filter(joint=joint, action="notify").order_by("seq").first()
        staff = Staff.objects.filter(user_id=event.actor_id).first() if event and event.actor_id else None
        window = staff.window if staff is not None and staff.window_id else None
        if window is None:
            windows = Window.objects.filter(
                is_active=True,
                organisations=joint.lead_organisation_id,
                centre__region=joint.lead_organisation.region_id,
                centre__kind="centre",
            )
            ranked = sorted(
                windows,
                key=lambda w: (w.kind != "dedicated", (0, int(w.number)) if w.number.isdigit() else (1, 0)),
            )
            window = ranked[0] if ranked else None
        if window is not None:
            joint.lead_window = window
            joint.save(update_fields=["lead_window"])


class Migration(migrations.Migration):
    dependencies = [("joint", "0006_jointend_member_not_accepted"), ("core", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
