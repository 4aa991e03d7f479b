"""The completion message carries the case's own short rating link (网上"一事一评"), short enough to type from a
phone screen, which opens the rating page."""

from urllib.parse import urlsplit

from zhengwu.cases.models import OutboxMessage
from zhengwu.evaluation.links import read_token


def test_completion_message_carries_a_working_rating_link(ev, client):
    inviting = list(OutboxMessage.objects.filter(case=ev.case, body__contains="评价"))
    assert inviting, "the completion message has no rating link"
    assert all("已办结" in m.body for m in inviting)  # only the completion message invites a rating
    link = inviting[0].body.split("评价:", 1)[1].split()[0]
    path = urlsplit(link).path
    assert path.startswith("/r/") and len(path) <= len("/r/") + 12  # a code of at most 12 letters and digits
    followed = client.get(path)
    assert followed.status_code == 302 and followed["Location"].startswith("/rate/")
    assert read_token(followed["Location"].strip("/").split("/")[-1]) == ("case", ev.case.pk, "link")
    page = client.get(followed["Location"])
    assert page.status_code == 200 and ev.case.number in page.content.decode()
