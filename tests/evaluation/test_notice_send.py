"""Sending a one-time notice (发送告知书): by SMS or e-mail, recorded and audited, with a signed public link to the
notice's PDF; a bad phone is refused at the field, a tampered link 404s, another organisation cannot send."""

import pytest
from django.core import mail

from zhengwu.cases.notify import LoggingSmsProvider
from zhengwu.core.errors import AccessDenied, ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.evaluation import services


@pytest.fixture
def notice(ev):
    return services.issue_notice(item=ev.item, by=ev.clerk, lacking=["2"], person_name="赵六")


def _link(text: str) -> str:
    return text[text.index("http") :].split()[0]


def test_sending_by_sms_records_it_and_texts_the_item_what_is_lacking_and_the_link(
    ev, notice, client, django_capture_on_commit_callbacks
):
    LoggingSmsProvider.sent.clear()
    client.force_login(ev.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"/workbench/evaluation/notices/{notice.pk}/", {"phone": "13812345678", "email": ""}
        )
    assert sent.status_code == 302
    notice.refresh_from_db()
    assert notice.sent_to_phone == "13812345678" and notice.sent_at is not None
    [(phone, text)] = LoggingSmsProvider.sent
    assert phone == "13812345678" and "食品经营许可" in text and "营业执照复印件" in text
    assert "/rate/notice/" in text and "场所平面图" not in text
    record = AuditRecord.objects.filter(action="evaluation.notice.send").get()
    assert "138****5678" in str(record.summary) and "13812345678" not in str(record.summary)
    pdf = client.get(_link(text).split("127.0.0.1:8000", 1)[-1])
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_sending_by_email_goes_to_the_outbox(ev, notice, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_notice(notice=notice, by=ev.clerk, email="zhao@example.cn")
    [message] = mail.outbox
    assert message.to == ["zhao@example.cn"] and notice.number in message.subject
    assert "/rate/notice/" in message.body and "营业执照复印件" in message.body
    assert notice.sent_to_email == "zhao@example.cn" and notice.sent_to_phone == ""


def test_the_public_link_serves_the_pdf_to_anyone_and_a_tampered_token_404s(notice, client):
    path = services.notice_url(notice).split("127.0.0.1:8000", 1)[-1]
    assert path.startswith("/rate/notice/")
    pdf = client.get(path)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    token = services.notice_token(notice)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/rate/notice/{tampered}/").status_code == 404
    assert client.get("/rate/notice/nonsense/").status_code == 404


def test_a_bad_phone_or_email_or_nothing_is_refused_at_the_field(ev, notice, client):
    with pytest.raises(ValidationFailed, match="11位数字") as err:
        services.send_notice(notice=notice, by=ev.clerk, phone="2381234567")
    assert err.value.field == "phone"
    with pytest.raises(ValidationFailed) as err:
        services.send_notice(notice=notice, by=ev.clerk, email="not-an-address")
    assert err.value.field == "email"
    with pytest.raises(ValidationFailed, match="至少|手机号码或电子邮箱"):
        services.send_notice(notice=notice, by=ev.clerk)
    client.force_login(ev.clerk)
    page = client.post(f"/workbench/evaluation/notices/{notice.pk}/", {"phone": "12345", "email": ""})
    assert page.status_code == 200 and 'id="id_phone_error"' in page.text and "11位数字" in page.text
    notice.refresh_from_db()
    assert notice.sent_at is None


def test_another_organisations_staff_cannot_send(ev, notice, client):
    LoggingSmsProvider.sent.clear()
    with pytest.raises(AccessDenied):
        services.send_notice(notice=notice, by=ev.outsider, phone="13812345678")
    client.force_login(ev.outsider)
    assert (
        client.post(f"/workbench/evaluation/notices/{notice.pk}/", {"phone": "13812345678"}).status_code
        == 404
    )
    notice.refresh_from_db()
    assert notice.sent_at is None and LoggingSmsProvider.sent == []
