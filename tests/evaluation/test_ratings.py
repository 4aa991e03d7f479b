"""Ratings once per case or ticket, the rectification a bad one opens (clock, steps, follow-up), appeals and their
effect on the public figures, the regions' settings and the unrated-case policy."""

import datetime as dt

import pytest

from tests.evaluation.conftest import at, complete
from tests.factories import make_region
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord, Region, Role
from zhengwu.evaluation import rules, selectors, services
from zhengwu.evaluation.models import Rating, RatingChannel, Rectification, UnratedPolicy
from zhengwu.tickets import services as tickets
from zhengwu.tickets.models import Category

D = dt.date.fromisoformat


def rate(case, level, **kw):
    kw.setdefault("channel", RatingChannel.LINK)
    return services.rate(kind="case", pk=case.pk, level=level, **kw)


def test_a_completed_case_is_rated_once_and_the_rating_names_who_served(ev):
    rating = rate(ev.case, 5, tags=["服务热情", "一次办好"], comment="很快就办好了")
    assert (rating.item, rating.organisation, rating.window) == (ev.instant_item, ev.bureau, ev.dedicated)
    assert rating.staff.name == "王窗口" and rating.subject_number == ev.case.number
    assert rating.rater_name == "张三" and rating.named
    assert not hasattr(rating, "rectification") or Rectification.objects.filter(rating=rating).count() == 0
    with pytest.raises(Conflict, match="只能评价一次") as err:
        rate(ev.case, 1, tags=["态度恶劣"], channel=RatingChannel.TABLET, by=ev.clerk)
    assert err.value.code == "already_rated"
    assert Rating.objects.count() == 1
    assert AuditRecord.objects.filter(action="evaluation.rate").count() == 1


def test_a_case_still_in_progress_cannot_be_rated(ev, submitted):
    with pytest.raises(Conflict, match="办结后才能评价"):
        rate(submitted, 4)


def test_a_bad_rating_opens_a_rectification_due_in_fifteen_working_days_across_national_day(ev):
    rating = rate(ev.case, 2, tags=["办事拖延"], comment="窗口让我跑了三趟")
    rect = rating.rectification
    assert (rect.state, rect.opened_on, rect.limit_days) == ("open", D("2026-09-28"), 15)
    assert rect.due == D("2026-10-23")  # 10-01..10-07 off, Saturday 10-10 worked
    assert rect.events.get().action == "open"


def test_the_nearest_region_with_settings_sets_the_limit(ev):
    province = Region.objects.get(code="360000")
    services.save_settings(
        region=province, by=_admin(), rectification_days=7, unrated_policy="leave", unrated_after_days=5
    )
    assert rate(ev.case, 1, tags=["超时未办"]).rectification.due == D(
        "2026-10-13"
    )  # 7: 09-29, 09-30, 10-08, 10-09, 10-10, 10-12, 10-13
    services.save_settings(
        region=ev.county, by=ev.manager, rectification_days=5, unrated_policy="leave", unrated_after_days=5
    )
    assert rate(complete(ev), 2, tags=["办事拖延"]).rectification.due == D(
        "2026-10-10"
    )  # the county's 5 win over the province's 7


def _admin():
    from tests.factories import make_organisation, make_staff

    org = make_organisation("江西省政务服务管理办公室", region=Region.objects.get(code="360000"))
    return make_staff("root", org, roles=[Role.ADMINISTRATOR]).user


def test_spring_festival_moves_the_due_day_past_the_holiday(ev):
    services.save_settings(
        region=ev.county, by=ev.manager, rectification_days=5, unrated_policy="leave", unrated_after_days=5
    )
    case = complete(ev, moment=at("2026-02-13", 15))
    assert rate(case, 1, tags=["推诿扯皮"]).rectification.due == D(
        "2026-02-27"
    )  # 02-14 worked, 02-15..02-23 off


def test_settings_are_for_centre_managers_of_the_region(ev):
    with pytest.raises(AccessDenied):
        services.save_settings(
            region=ev.county, by=ev.head, rectification_days=5, unrated_policy="leave", unrated_after_days=5
        )
    other = make_region("360702", "章贡区")
    with pytest.raises(AccessDenied, match="管理范围"):
        services.save_settings(
            region=other, by=ev.manager, rectification_days=5, unrated_policy="leave", unrated_after_days=5
        )
    with pytest.raises(ValidationFailed, match="1 至 60") as err:
        services.save_settings(
            region=ev.county,
            by=ev.manager,
            rectification_days=0,
            unrated_policy="leave",
            unrated_after_days=5,
        )
    assert err.value.field == "rectification_days"


def test_verify_rectify_reply_and_the_raters_follow_up_until_satisfied(ev):
    rect = rate(ev.case, 2, comment="材料让我交了两遍").rectification
    with pytest.raises(Conflict, match="不能反馈评价人"):
        services.reply(rectification=rect, by=ev.head, text="已处理")
    with pytest.raises(AccessDenied):
        services.verify(rectification=rect, by=ev.outsider, founded=True, finding="不是我们的")
    rect = services.verify(rectification=rect, by=ev.head, founded=True, finding="窗口未一次性告知")
    with pytest.raises(Conflict, match="须先整改"):
        services.reply(rectification=rect, by=ev.head, text="已处理")
    rect = services.rectify(rectification=rect, by=ev.head, measures="对窗口人员开展一次性告知培训")
    rect = services.reply(rectification=rect, by=ev.head, text="经核实情况属实,已整改,向您致歉")
    assert rect.state == "replied" and rect.replied_at is not None
    # The rater, through the link, is not yet satisfied: it goes back to be rectified again.
    rect = services.follow_up(rectification=rect, satisfied=False, note="还是要跑两趟")
    assert (rect.state, rect.round, rect.satisfied) == ("verified", 2, False)
    rect = services.rectify(rectification=rect, by=ev.head, measures="材料改为线上预审")
    rect = services.reply(rectification=rect, by=ev.head, text="已开通线上预审")
    rect = services.follow_up(rectification=rect, satisfied=True)
    assert (rect.state, rect.satisfied) == ("closed", True)
    events = list(rect.events.values_list("action", flat=True))
    assert events == ["open", "verify", "rectify", "reply", "unsatisfied", "rectify", "reply", "satisfied"]
    founded = {a: rect.founded for a in events}
    assert rules.replay([(a, founded[a]) for a in events]) == Rectification.objects.get(pk=rect.pk).state


def test_an_unfounded_complaint_is_answered_with_the_finding(ev):
    rect = rate(ev.case, 1, comment="态度差").rectification
    rect = services.verify(rectification=rect, by=ev.head, founded=False, finding="调取录像,工作人员态度正常")
    rect = services.reply(rectification=rect, by=ev.head, text="经调取录像核实……")
    assert rect.state == "replied" and rect.measures == ""


def test_staff_record_a_telephone_follow_up_only_from_the_centre(ev):
    rect = rate(ev.case, 2, comment="等了一个多小时才叫号").rectification
    services.verify(rectification=rect, by=ev.head, founded=False, finding="核实无误")
    services.reply(rectification=rect, by=ev.head, text="说明情况")
    with pytest.raises(AccessDenied):
        services.follow_up(rectification=rect, by=ev.head, satisfied=True)
    rect = services.follow_up(rectification=rect, by=ev.supervisor, satisfied=True, note="电话回访,表示理解")
    assert rect.state == "closed" and rect.events.last().actor_label.startswith("周监察")


def _closed_ticket(ev, *, anonymous=False):
    category = Category.objects.get_or_create(code="market", defaults={"name": "市场监管"})[0]
    ticket = tickets.file_ticket(
        kind="report" if anonymous else "complaint",
        channel="portal",
        category=category,
        content="超市出售过期食品",
        caller_name="" if anonymous else "李四",
        caller_phone="" if anonymous else "13900001111",
        anonymous=anonymous,
    )
    return tickets.close_directly(ticket=ticket, answer="已转市场监管局查处", by=ev.manager)


def test_a_closed_ticket_is_rated_once_and_an_anonymous_bad_rating_closes_with_the_reply(ev):
    named = services.rate(kind="ticket", pk=_closed_ticket(ev).pk, level=4, channel=RatingChannel.LINK)
    assert named.named and named.organisation == ev.centre.managed_by and named.case is None
    anonymous = _closed_ticket(ev, anonymous=True)
    rating = services.rate(
        kind="ticket", pk=anonymous.pk, level=1, tags=["推诿扯皮"], channel=RatingChannel.PORTAL
    )
    assert not rating.named
    rect = services.verify(rectification=rating.rectification, by=ev.manager, founded=False, finding="已答复")
    rect = services.reply(rectification=rect, by=ev.manager, text="已依法处理")
    assert rect.state == "closed"  # nobody to follow up
    with pytest.raises(Conflict, match="只能评价一次"):
        services.rate(kind="ticket", pk=anonymous.pk, level=5, channel=RatingChannel.PORTAL)


def test_the_counter_tablet_rates_only_cases_of_the_clerks_own_window(ev):
    with pytest.raises(AccessDenied, match="本窗口"):
        rate(ev.case, 5, channel=RatingChannel.TABLET, by=ev.general_clerk)
    rating = rate(ev.case, 5, channel=RatingChannel.TABLET, by=ev.clerk)
    assert rating.channel == "tablet"


def test_the_tablet_shows_the_case_this_window_completed_last(ev):
    later = complete(ev, applicant=ev.company, moment=at("2026-09-28", 11))
    assert selectors.tablet_case(ev.clerk) == later
    assert selectors.tablet_case(ev.general_clerk) is None  # nothing completed at the general window


def test_an_upheld_appeal_keeps_the_rating_on_record_but_out_of_the_figures(ev):
    good = rate(complete(ev), 5)
    bad = rate(ev.case, 1, comment="乱评的")
    before = selectors.total_figures("2026-09")
    assert (before.rated, before.good, before.bad, before.bad_rate) == (2, 1, 1, 50)
    appeal = services.file_appeal(rating=bad, by=ev.clerk, reason="申请人事后承认误点")
    with pytest.raises(Conflict, match="不能重复申诉"):
        services.file_appeal(rating=bad, by=ev.head, reason="再申诉")
    with pytest.raises(AccessDenied):
        services.decide_appeal(appeal=appeal, by=ev.head, upheld=True, note="同意")
    services.decide_appeal(appeal=appeal, by=ev.manager, upheld=True, note="经核实属误评")
    after = selectors.total_figures("2026-09")
    assert (after.rated, after.good, after.bad, after.good_rate) == (1, 1, 0, 100)
    assert set(selectors.visible_ratings(ev.head)) == {good, Rating.objects.get(pk=bad.pk)}
    assert Rating.objects.get(pk=bad.pk).excluded
    assert Rectification.objects.get(rating=bad).state == "voided"
    assert selectors.rectification_queue(ev.head) == []


def test_a_rejected_appeal_leaves_the_rating_counted(ev):
    bad = rate(ev.case, 2, tags=["解释不清"])
    appeal = services.file_appeal(rating=bad, by=ev.clerk, reason="我觉得服务没问题")
    services.decide_appeal(appeal=appeal, by=ev.manager, upheld=False, note="评价真实")
    assert selectors.total_figures("2026-09").bad == 1
    assert Rectification.objects.get(rating=bad).state == "open"
    with pytest.raises(Conflict, match="已审核"):
        services.decide_appeal(appeal=appeal, by=ev.manager, upheld=True, note="改判")


def test_figures_per_organisation_and_item_count_good_bad_and_rectified(ev):
    rate(ev.case, 5)
    rate(complete(ev), 3)
    bad = rate(complete(ev), 1, tags=["一次性告知不到位"]).rectification
    rate(complete(ev), 2, tags=["多次跑动"])
    services.verify(rectification=bad, by=ev.head, founded=False, finding="核实")
    services.reply(rectification=bad, by=ev.head, text="说明")
    [(name, f)] = selectors.figures("2026-09")
    assert name == "贵溪市市场监督管理局"
    assert (f.rated, f.good_rate, f.bad_rate, f.rectified_rate) == (4, 50, 50, 50)
    [(item_name, _)] = selectors.figures("2026-09", by="item")
    assert item_name.startswith("个体工商户名称变更登记")
    assert selectors.figures("2026-10") == []


def test_overdue_rectifications_turn_red_in_the_queue(ev):
    rect = rate(ev.case, 1, comment="窗口说系统故障,让我明天再来").rectification
    clock.set_now(at("2026-10-21"))
    [row] = selectors.rectification_queue(ev.head)
    assert (row.pk, row.light) == (rect.pk, "yellow")
    clock.set_now(at("2026-10-26"))
    assert selectors.rectification_queue(ev.head)[0].light == "red"
    assert list(selectors.overdue_rectifications()) == [rect]
    assert selectors.rectification_queue(ev.outsider) == []


def test_by_default_an_unrated_case_stays_unrated(ev):
    clock.set_now(at("2026-12-01"))
    assert services.apply_unrated_policy() == 0
    assert Rating.objects.count() == 0


def test_a_region_that_counts_silence_as_satisfied_rates_after_its_working_days(ev):
    services.save_settings(
        region=ev.county,
        by=ev.manager,
        rectification_days=15,
        unrated_policy=UnratedPolicy.SATISFIED,
        unrated_after_days=3,
    )
    # Completed 09-28; three working days are 09-29, 09-30 and 10-08: still time on 10-08.
    assert services.apply_unrated_policy(today=D("2026-10-08")) == 0
    assert services.apply_unrated_policy(today=D("2026-10-09")) == 1
    rating = Rating.objects.get()
    assert (rating.level, rating.channel) == (4, "default")
    assert services.apply_unrated_policy(today=D("2026-10-09")) == 0  # idempotent


def test_only_staff_in_scope_may_appeal(ev):
    rating = rate(ev.case, 1, tags=["态度恶劣"])
    with pytest.raises(AccessDenied):
        services.file_appeal(rating=rating, by=ev.outsider, reason="不是我们")
    assert Role.CENTRE_MANAGER in ev.manager.staff.role_codes
