import threading

import pytest
from django.db import connection, connections

from tests.factories import paper_checklist
from zhengwu.cases import services
from zhengwu.cases.models import Case, CaseEvent, Status
from zhengwu.core.errors import Conflict


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_clerks_deciding_intake_at_once_one_wins_the_other_gets_a_conflict(world, submitted):
    barrier = threading.Barrier(2)
    outcomes = []

    def act(service, **kwargs):
        try:
            barrier.wait()
            service(case=Case.objects.get(pk=submitted.pk), by=world.clerk, **kwargs)
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [
        # the application's materials received on paper: acceptance needs them (行政许可法 第三十二条)
        threading.Thread(
            target=act, args=(services.accept_case,), kwargs={"paper": paper_checklist(submitted)}
        ),
        threading.Thread(target=act, args=(services.refuse_case,), kwargs={"reason": "材料不全"}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=len)[0] == "ok" and "办件当前状态为" in sorted(outcomes, key=len)[1]
    case = Case.objects.get(pk=submitted.pk)
    assert case.status in (Status.ACCEPTED, Status.REFUSED)
    assert CaseEvent.objects.filter(case=case).count() == 2
