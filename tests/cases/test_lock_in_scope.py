"""The API's writes find their case with one locked read in the person's scope, compiled once per scope and database
connection (cases.records._LOCK_IN_SCOPE, issue 20): a change of the person's scope counts at the next request."""

from tests.cases.conftest import paper_checklist
from zhengwu.core.models import Staff


def _accept(client, case):
    return client.post(
        f"/api/cases/{case.number}/accept",
        {"revision": case.revision, "paper": paper_checklist(case)},
        content_type="application/json",
    )


def test_a_clerk_given_the_general_window_finds_its_cases_at_once_and_loses_them_with_it(
    world, client, submitted
):
    staff = Staff.objects.get(user=world.general_clerk)
    staff.window = None
    staff.save()
    client.force_login(world.general_clerk)
    refused = _accept(client, submitted)  # outside the clerk's organisation, and no window
    assert refused.status_code == 404 and submitted.number in refused.json()["message"]
    staff.window = world.general  # the centre's 综合窗口: the cases received at its windows
    staff.save()
    accepted = _accept(client, submitted)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    staff.window = None
    staff.save()
    assert client.get(f"/api/cases/{submitted.number}").status_code == 404
    again = client.post(
        f"/api/cases/{submitted.number}/complete", {"revision": accepted.json()["revision"]},
        content_type="application/json",
    )  # fmt: skip
    assert again.status_code == 404
