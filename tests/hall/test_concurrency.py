"""Fifty people booking the last place of a slot at once: exactly one gets it (SQLite and PostgreSQL)."""

import datetime as dt
import threading
import time

import pytest
from django.db import OperationalError, connection, connections

from tests.hall.conftest import at
from zhengwu.core.errors import Conflict
from zhengwu.hall import services
from zhengwu.hall.models import Booking, Slot


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_bookings_of_a_one_place_slot_make_exactly_one_booking(hall):
    services.generate_slots(centre=hall.centre, first=dt.date(2026, 11, 19), days=1)
    slot = Slot.objects.get(group=hall.general, start=at("2026-11-19", 12))
    assert slot.capacity == 1
    people = 50
    barrier = threading.Barrier(people)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        barrier.wait()
        for _try in range(100):
            try:
                services.book(
                    item=hall.item, slot=slot, channel="kiosk", name=f"市民{n}", phone=f"139{n:08d}"
                )
                result = "ok"
            except Conflict as exc:
                result = exc.code
            except OperationalError as exc:
                # SQLite's in-memory test database (shared cache) answers a table lock at once where a database
                # file waits (busy timeout): try again as the file would have waited; nothing was written
                if "table is locked" in str(exc) and connection.vendor == "sqlite":
                    time.sleep(0.01)
                    continue
                result = f"{type(exc).__name__}: {exc}"
            except Exception as exc:  # anything else is a failure of the test, reported below
                result = f"{type(exc).__name__}: {exc}"
            break
        else:
            result = "still locked after 100 tries"
        connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(set(outcomes)) == ["ok", "slot_full"], outcomes
    assert outcomes.count("ok") == 1 and outcomes.count("slot_full") == people - 1
    assert Booking.objects.filter(slot=slot).count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1
