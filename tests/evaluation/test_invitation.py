"""The completion message carries the case's own rating link (网上"一事一评"), which opens the rating page."""

from urllib.parse import urlsplit

from zhengwu.cases.models import OutboxMessage
from zhengwu.evaluation.links import read_token


def test_completion_message_carries_a_working_rating_link(ev, client):
    inviting = list(OutboxMessage.objects.filter(case=ev.case, body__contains="评价"))
    assert inviting, "the completion message has no rating link"
    assert all("已办结" in m.body for m in inviting)  # only the completion message invites a rating
    link = inviting[0].body.split("评价:", 1)[1].split()[0]
    path = urlsplit(link).path
    assert path.startswith("/rate/")
    assert read_token(path.strip("/").split("/")[-1])[:2] == ("case", ev.case.pk)
    page = client.get(path)
    assert page.status_code == 200 and ev.case.number in page.content.decode()
