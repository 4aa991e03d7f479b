"""The time limits of a 差评申诉 and of its review. 国办发〔2019〕51号 sets up 差评申诉复核 but names no number of days
for either, so each is the region's own (EvaluationSettings.appeal_days, appeal_review_days; blank: none). Counted in
working days on the platform's calendar, the rating day (the appeal day) not counted.

Real dates: a rating on Monday 2026-09-28, the week before National Day (2026-10-01 … 07 off, Saturday 2026-10-10
worked)."""

import datetime as dt

import pytest
from django.db import transaction

from tests.evaluation.conftest import at
from zhengwu.core import clock
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.evaluation import selectors, services
from zhengwu.evaluation.models import Appeal, RatingChannel

D = dt.date.fromisoformat


def _limits(ev, *, appeal_days=None, review_days=None):
    services.save_settings(
        region=ev.county,
        by=ev.manager,
        rectification_days=15,
        unrated_policy="leave",
        unrated_after_days=5,
        appeal_days=appeal_days,
        appeal_review_days=review_days,
    )


def _bad(ev):
    return services.rate(kind="case", pk=ev.case.pk, level=1, comment="乱评的", channel=RatingChannel.LINK)


# 5 working days after 2026-09-28: 09-29, 09-30, 10-08, 10-09, 10-10 (the worked Saturday) — the last day to appeal
APPEAL_DAYS = [
    ("2026-09-30", None),
    ("2026-10-08", None),  # the first working day after the National Day holiday
    ("2026-10-10", None),  # the worked Saturday, the fifth working day
    ("2026-10-11", "最迟 2026-10-10"),  # Sunday
    ("2026-10-12", "已超过申诉时限"),
]


def test_an_appeal_after_the_regions_limit_is_refused_saying_until_when(ev):
    _limits(ev, appeal_days=5)
    rating = _bad(ev)
    for day, refused in APPEAL_DAYS:
        clock.set_now(at(day))
        if refused:
            with pytest.raises(Conflict, match=refused) as late:
                services.file_appeal(rating=rating, by=ev.clerk, reason="申请人误点")
            assert (
                late.value.code == "appeal_late"
                and "评价之日(2026-09-28)起 5 个工作日内" in late.value.message
            )
        else:
            with transaction.atomic():
                assert services.file_appeal(rating=rating, by=ev.clerk, reason="申请人误点").pk
                transaction.set_rollback(True)
    assert not Appeal.objects.exists()


def test_without_a_regional_limit_an_appeal_is_never_late_and_has_no_review_date(ev):
    rating = _bad(ev)
    clock.set_now(at("2027-03-01"))
    appeal = services.file_appeal(rating=rating, by=ev.clerk, reason="申请人误点")
    assert (appeal.review_days, appeal.review_due) == (None, None)
    assert selectors.appeal_light(appeal) == ""


# the review's due day: working days after the day the appeal is filed
REVIEW_DUE = [
    ("2026-09-29", 2, "2026-10-08"),  # 09-30, (National Day off) 10-08
    ("2026-09-30", 3, "2026-10-10"),  # 10-08, 10-09, the worked Saturday 10-10
    ("2026-10-09", 2, "2026-10-12"),  # 10-10, (Sunday) 10-12
]


@pytest.mark.parametrize("filed, days, due", REVIEW_DUE)
def test_the_review_is_due_the_regions_working_days_after_the_appeal(ev, filed, days, due):
    _limits(ev, review_days=days)
    rating = _bad(ev)
    clock.set_now(at(filed))
    appeal = services.file_appeal(rating=rating, by=ev.clerk, reason="申请人误点")
    assert (appeal.review_days, appeal.review_due, appeal.review_due_provisional) == (days, D(due), False)


def test_the_appeals_queue_shows_the_review_date_and_its_light(ev, client):
    _limits(ev, appeal_days=5, review_days=3)
    rating = _bad(ev)
    clock.set_now(at("2026-09-30"))
    client.force_login(ev.clerk)
    client.post(f"/workbench/evaluation/ratings/{rating.pk}/appeal/", {"reason": "申请人误点"})
    client.force_login(ev.manager)
    clock.set_now(at("2026-10-12"))  # due 2026-10-10
    page = client.get("/workbench/evaluation/appeals/").text
    shown = page.split('data-testid="review-due">', 1)[1].split("</p>", 1)[0]
    assert "复核期限 2026-10-10(3 个工作日)" in shown and 'data-light="red"' in shown
    client.post(
        f"/workbench/evaluation/appeals/{rating.appeal.pk}/decide/", {"upheld": "no", "note": "评价属实"}
    )
    decided = client.get("/workbench/evaluation/appeals/?state=rejected").text
    assert 'data-light="late"' in decided.split('data-testid="review-due">', 1)[1].split("</p>", 1)[0]


def test_the_ratings_page_says_why_a_late_rating_is_no_longer_appealable(ev, client):
    _limits(ev, appeal_days=5)
    rating = _bad(ev)
    client.force_login(ev.clerk)
    clock.set_now(at("2026-10-10"))
    page = client.get("/workbench/evaluation/ratings/?month=2026-09").text
    assert f"/workbench/evaluation/ratings/{rating.pk}/appeal/" in page
    clock.set_now(at("2026-10-12"))
    page = client.get("/workbench/evaluation/ratings/?month=2026-09").text
    assert f"/workbench/evaluation/ratings/{rating.pk}/appeal/" not in page
    assert "最迟 2026-10-10,已超过申诉时限" in page.split('data-testid="appeal-late">', 1)[1]


def test_the_limits_are_blank_or_one_to_sixty_working_days(ev):
    with pytest.raises(ValidationFailed, match="差评申诉时限应在 1 至 60") as bad:
        _limits(ev, appeal_days=0)
    assert bad.value.field == "appeal_days"
    with pytest.raises(ValidationFailed, match="申诉复核时限应为整数") as bad:
        _limits(ev, review_days="三")
    assert bad.value.field == "appeal_review_days"
    _limits(ev, appeal_days="", review_days=None)
    assert (
        selectors.settings_for(ev.bureau).appeal_days,
        selectors.settings_for(ev.bureau).appeal_review_days,
    ) == (
        None,
        None,
    )
