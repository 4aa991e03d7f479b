"""Issue 14.5 on the tickets API: a retried create never files twice; an expired or absent session answers 401."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session

from zhengwu.core import clock
from zhengwu.core.models import IdempotentRequest
from zhengwu.tickets.models import Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.tickets.urls")]

NEW = {
    "kind": "complaint",
    "category": "city.noise",
    "content": "红都大道工地夜间施工噪音扰民",
    "caller_name": "张伟",
    "caller_phone": "13979712345",
    "region": "360781100",
}


def post(client, data, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/tickets/", data, content_type="application/json", headers=headers)


def test_a_hotline_client_that_retries_files_once(client, world):
    client.force_login(world.operator)
    first = post(client, NEW, key="3b1f6a2e-retry")
    again = post(client, NEW, key="3b1f6a2e-retry")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    # Without a key, or with a new one, each call files a ticket.
    assert post(client, NEW, key="another-key").status_code == 201
    assert Ticket.objects.count() == 2


def test_the_same_key_with_a_different_request_is_refused(client, world):
    client.force_login(world.operator)
    assert post(client, NEW, key="k-1").status_code == 201
    other = post(client, {**NEW, "content": "另一件事:路灯不亮"}, key="k-1")
    assert other.status_code == 422
    assert (
        other.json()["field"] == "Idempotency-Key" and "已用于另一个内容不同的请求" in other.json()["message"]
    )
    assert Ticket.objects.count() == 1


def test_a_refused_create_is_not_remembered(client, world):
    client.force_login(world.operator)
    refused = post(client, {**NEW, "caller_phone": ""}, key="k-2")
    assert refused.status_code == 422 and not IdempotentRequest.objects.exists()
    assert post(client, NEW, key="k-2").status_code == 201  # corrected and sent again with the same key


def test_keys_belong_to_the_user_who_sent_them(client, world):
    client.force_login(world.operator)
    post(client, NEW, key="k-3")
    client.force_login(world.housing_clerk)
    refused = post(client, NEW, key="k-3")  # not the operator's answer replayed: housing may not file at all
    assert refused.status_code == 403 and "Idempotent-Replayed" not in refused


def test_nobody_signed_in_answers_401_with_a_challenge(client, world):
    for response in (client.get("/api/tickets/"), post(client, NEW)):
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
        assert response["WWW-Authenticate"].startswith("Session ")


def test_an_expired_session_answers_401_not_a_redirect(client, world):
    client.force_login(world.operator)
    session = client.session
    session["signed_in_at"] = clock.now().timestamp()
    session.save()
    with clock.frozen(clock.now() + dt.timedelta(hours=12, minutes=1)):
        response = client.get("/api/tickets/")
    assert response.status_code == 401 and "WWW-Authenticate" in response
    assert response.json()["message"] == "会话已过期,请重新登录"
    # An idle session that the store dropped: the same 401.
    client.force_login(world.operator)
    Session.objects.all().delete()
    assert client.get("/api/tickets/").status_code == 401


def test_a_signed_in_user_without_the_right_gets_403(client, world):
    client.force_login(world.housing_clerk)
    response = post(client, NEW)
    assert response.status_code == 403 and "WWW-Authenticate" not in response


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql", reason="real concurrency: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_retries_at_the_same_moment_file_once(world):
    import threading

    from django.db import connections
    from django.test import Client

    barrier, answers = threading.Barrier(2), []

    def send():
        client = Client()
        client.force_login(world.operator)
        try:
            barrier.wait()
            answers.append(post(client, NEW, key="same-moment"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["number"] == answers[1].json()["number"]
    assert Ticket.objects.count() == 1
