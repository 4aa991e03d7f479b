"""下一位 over a number only called (已叫号) — the person never came to the window — is 过号, not 办结: sent back to
the queue once, closed as absent the second time, and the terminal says so; the served count and service times come
only from numbers whose service began (开始办理)."""

from tests.hall.conftest import at
from zhengwu.core import clock
from zhengwu.core.errors import Conflict
from zhengwu.hall import measures, queue
from zhengwu.hall.models import QueueNumber

State = QueueNumber.State


def now(minute: int) -> None:
    clock.set_now(at("2026-11-18", 9, minute))


def test_next_over_a_number_that_never_came_is_absence_and_the_terminal_says_so(hall, client):
    for _ in range(3):  # A001, A002, A003 at 09:00
        queue.take_number(group=hall.general, source="kiosk")
    client.force_login(hall.clerk1)
    client.post("/workbench/hall/terminal/next/")  # A001 called; nobody comes
    page = client.get("/workbench/hall/terminal/").content.decode()
    assert "A001 尚未开始办理,按「下一位」将按过号处理。" in page
    assert ">办结</button>" not in page  # only 开始办理 or 过号 for a number only called
    now(5)
    page = client.post("/workbench/hall/terminal/next/", follow=True).content.decode()
    assert "A001 未到,已按过号处理,重新排队。" in page
    first = QueueNumber.objects.get(display="A001")
    assert (first.state, first.absences, first.finished_at) == (State.WAITING, 1, None)
    assert "A002" in page  # the next one is called
    now(6)
    client.post("/workbench/hall/terminal/start/", {"number": QueueNumber.objects.get(display="A002").pk})
    # 下一位 over a number being served finishes it: the terminal says so before it is pressed
    page = client.get("/workbench/hall/terminal/").content.decode()
    assert "A002 正在办理,按「下一位」将同时办结。" in page and "将按过号处理" not in page
    now(16)
    page = client.post(
        "/workbench/hall/terminal/next/", follow=True
    ).content.decode()  # A002 served 10 minutes
    assert "未到" not in page and "本窗口今日已办结 1 个号" in page
    now(20)
    client.post("/workbench/hall/terminal/next/")  # A003 does not come either; A001 is called again
    now(25)
    page = client.post("/workbench/hall/terminal/next/", follow=True).content.decode()
    assert "A001 未到,已按过号处理(再次过号,已作废)。" in page
    first.refresh_from_db()
    assert (first.state, first.absences) == (State.ABSENT, 2)
    assert "A003" in page and "本窗口今日已办结 1 个号" in page  # A003 is called again; A001 closed, not 办结

    f = measures.figures(centre=hall.centre, first=clock.today(), last=clock.today())
    assert (f["served"], f["average_service"]) == (1, 10.0)  # only A002, from 开始办理 09:06 to 09:16
    assert measures.per_number(first)["service"] is None


def test_a_number_only_called_cannot_be_closed_as_served(hall):
    queue.take_number(group=hall.general, source="kiosk")
    called = queue.call_next(window=hall.w1, by=hall.clerk1)
    try:
        queue.finish(number=called, by=hall.clerk1)
    except Conflict as err:
        assert "A001 尚未开始办理" in err.message
    else:
        raise AssertionError("finished a number nobody came for")
    called.refresh_from_db()
    assert called.state == State.CALLED
