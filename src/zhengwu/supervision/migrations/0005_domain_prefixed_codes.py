"""Every rule code now begins with its domain (case., disclosure., ticket., rating., supervision.): the case rules'
alerts stored before are renamed (their code and the key that keeps them unique), and ticket alerts get the ticket
they name in their data as a link."""

from django.db import migrations

DOMAINS = ("case.", "disclosure.", "ticket.", "rating.", "supervision.")


def _prefixed(value: str) -> bool:
    return value.startswith(DOMAINS)


def forwards(apps, schema_editor):
    Alert = apps.get_model("supervision", "Alert")
    Ticket = apps.get_model("tickets", "Ticket")
    for pk, code, key in list(Alert.objects.values_list("pk", "code", "key")):
        if not _prefixed(code):
            Alert.objects.filter(pk=pk).update(code=f"case.{code}", key=f"case.{key}"[:120])
    for pk, data in list(Alert.objects.filter(code__startswith="ticket.").values_list("pk", "data")):
        number = (data or {}).get("ticket")
        ticket = Ticket.objects.filter(number=number).values_list("pk", flat=True).first() if number else None
        if ticket is not None:
            Alert.objects.filter(pk=pk).update(ticket_id=ticket)


def backwards(apps, schema_editor):
    Alert = apps.get_model("supervision", "Alert")
    for pk, code, key in list(Alert.objects.filter(code__startswith="case.").values_list("pk", "code", "key")):
        Alert.objects.filter(pk=pk).update(code=code.removeprefix("case."), key=key.removeprefix("case."))


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_alert_subjects")]

    operations = [migrations.RunPython(forwards, backwards)]
