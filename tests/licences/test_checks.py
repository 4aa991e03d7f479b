"""Supervision of the library (codes licence.…): a grant without its licence and a licence without a grant raise
one alert each; an imported licence (from the provincial library) is not one issued here; the indicators count
licences issued and the 免提交 rate."""

from django.db import transaction

from tests.licences.conftest import granted
from zhengwu.cases import library
from zhengwu.cases import services as cases
from zhengwu.core import clock
from zhengwu.licences import checks, selectors, services
from zhengwu.licences.models import Licence
from zhengwu.supervision.models import Alert


def test_a_grant_without_its_licence_raises_one_alert(lworld):
    lworld.food_type.items.remove(lworld.item)
    case = granted(lworld)
    lworld.food_type.items.add(lworld.item)
    assert checks.scan() == 1 and checks.scan() == 0
    alert = Alert.objects.get(code="licence.grant_without_licence")
    assert alert.case == case and alert.organisation == lworld.bureau
    assert "已准予许可(食品经营许可),但电子证照库中没有其证照" in alert.explanation


def test_the_implementing_staff_issue_the_missing_licence_from_the_case_page(lworld, client):
    """The alert names the case; on its page the bureau's staff read what is missing and 补发 it (no API needed),
    after which the panel names the licence and the next scan raises nothing."""
    lworld.food_type.items.remove(lworld.item)
    case = granted(lworld)
    lworld.food_type.items.add(lworld.item)
    client.force_login(lworld.head)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "本办件已准予许可,但电子证照库中没有它签发的食品经营许可证" in page
    assert f'action="/workbench/licences/cases/{case.number}/issue/"' in page and "补发食品经营许可证" in page
    done = client.post(f"/workbench/licences/cases/{case.number}/issue/", follow=True).content.decode()
    licence = Licence.objects.get(case=case)
    assert f"已为办件 {case.number} 补发食品经营许可证(编号 {licence.number})。" in done
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "licence-missing" not in page and f"本办件签发:食品经营许可证(编号 {licence.number},有效)" in page
    again = client.post(f"/workbench/licences/cases/{case.number}/issue/", follow=True).content.decode()
    assert "该办件已签发证照,或其事项不签发证照" in again
    assert checks.scan() == 0


def test_a_licence_without_a_grant_raises_one_alert_and_an_imported_one_none(lworld):
    with transaction.atomic():
        made = services._create(
            licence_type=lworld.food_type,
            issuer=lworld.bureau,
            holder_kind="legal",
            holder_name="某公司",
            holder_id=lworld.company.id_number,
            data={},
        )
        imported = services._create(
            licence_type=lworld.business_type,
            issuer=lworld.bureau,
            holder_kind="legal",
            holder_name="某公司",
            holder_id=lworld.company.id_number,
            data={},
        )
        imported.source = "imported"
        imported.save()
    granted(lworld)  # with its licence: no alert
    assert checks.scan() == 1
    alert = Alert.objects.get(code="licence.without_grant")
    assert alert.case is None and f"食品经营许可证(编号 {made.number})没有来源办件" in alert.explanation


def test_indicators_count_issued_and_the_reuse_rate(lworld):
    with transaction.atomic():
        services._create(
            licence_type=lworld.business_type,
            issuer=lworld.bureau,
            holder_kind="legal",
            holder_name=lworld.company.name,
            holder_id=lworld.company.id_number,
            data={},
            valid_until=None,
        )
    case = cases.submit_case(
        item=lworld.item,
        applicant=lworld.company,
        by=lworld.clerk,
        channel="counter",
        window=lworld.dedicated,
        form={"subject": "餐饮服务"},
    )
    library.fill(case, lworld.clerk)
    cases.submit_case(  # 张三 holds no business licence: nothing to take
        item=lworld.item,
        applicant=lworld.citizen,
        by=lworld.clerk,
        channel="counter",
        window=lworld.dedicated,
        form={"subject": "小吃店"},
    )
    figures = selectors.indicators(lworld.head, clock.today(), clock.today())
    assert figures == {"issued": 1, "reused": 1, "eligible": 2, "rate": 50.0}
    # the same figures in supervision's indicators, for any period and grouping, and on the indicator page
    from zhengwu.supervision import indicators

    period = indicators.Period(clock.today(), clock.today())
    result = indicators.compute(period=period, by="organisation", user=lworld.head)
    (bureau,) = [row for row in result["rows"] if row["key"] == lworld.bureau.pk]
    for row in (bureau, result["total"]):
        assert (row["licences_issued"], row["licences_eligible"], row["licences_reused"]) == (1, 2, 1)
        assert row["licences_reuse_rate"] == 0.5
    assert indicators.LABELS["licences_reuse_rate"] == "免提交率"
    by_window = indicators.compute(period=period, by="window", user=lworld.head)["rows"]
    (window,) = [row for row in by_window if row["key"] == lworld.dedicated.pk]
    assert (window["licences_eligible"], window["licences_reused"]) == (2, 1)
