"""The idle limit slides with activity, but the session is written at most once a minute, not on every request
(issue 20: SESSION_SAVE_EVERY_REQUEST cost one UPDATE per request)."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.core.test_auth import clerk, is_signed_in, sign_in  # noqa: F401 — the fixture
from zhengwu.core import clock

pytestmark = pytest.mark.django_db


def _session_writes(client, path="/workbench/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1 for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
    )


def test_an_active_session_slides_but_is_written_at_most_once_a_minute(client, clerk):  # noqa: F811
    """The minute is counted on the project clock (core.clock), as the absolute limit is: moving it on is enough."""
    sign_in(client)
    key = client.session.session_key
    assert _session_writes(client) == 0  # just signed in: nothing to push back yet
    first_expiry = Session.objects.get(session_key=key).expire_date
    clock.run_from(clock.now() + dt.timedelta(seconds=30))
    assert _session_writes(client) == 0  # half a minute on: not yet
    clock.run_from(clock.now() + dt.timedelta(seconds=31))
    assert _session_writes(client) == 1  # a minute on: the session is saved and its expiry moves
    assert Session.objects.get(session_key=key).expire_date >= first_expiry
    assert _session_writes(client) == 0 and _session_writes(client) == 0


def test_a_mark_ahead_of_the_clock_is_refreshed_not_trusted(client, clerk):  # noqa: F811
    """A session marked before the clock was set back (a mark in the clock's future) is saved, not left to go idle."""
    sign_in(client)
    assert _session_writes(client) == 0
    clock.run_from(clock.now() - dt.timedelta(hours=1))
    assert _session_writes(client) == 1
    assert _session_writes(client) == 0


def test_an_idle_session_still_expires(client, clerk):  # noqa: F811
    sign_in(client)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert not is_signed_in(client)


def test_a_cookie_naming_no_session_is_signed_out_and_the_live_one_read_in_one_statement(client, clerk):  # noqa: F811
    """core.sessions reads the session by its key with a statement compiled once per connection and leaves out an
    expired one itself: a key that names no row (made up, or deleted at sign-out elsewhere) is signed out."""
    sign_in(client)
    key = client.session.session_key
    with CaptureQueriesContext(connection) as queries:
        assert is_signed_in(client)
    reads = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    assert len(reads) == 1 and reads[0].startswith("SELECT")
    Session.objects.filter(session_key=key).delete()
    assert not is_signed_in(client)
    client.cookies["sessionid"] = "x" * 32  # a key of the right form that names nothing
    assert not is_signed_in(client)
