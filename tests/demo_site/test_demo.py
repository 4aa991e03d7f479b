"""The demo as `zhengwu demo` (and so `make run`) loads it: every domain fills its queues, each department's items
have its window, the logins are printed, and a second run changes nothing."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.fees.demo_checks import check_the_fees_demo
from tests.joint.demo_checks import check_the_joint_demo
from zhengwu.cases.models import Case
from zhengwu.catalog import demo as catalog_demo
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock
from zhengwu.core.demo import demo_password
from zhengwu.core.management.commands.demo import load_domain_demos
from zhengwu.disclosure.models import DisclosureRequest, Publication
from zhengwu.evaluation.models import LedgerEntry, Rating, Rectification
from zhengwu.supervision import selectors as supervision
from zhengwu.supervision.models import Alert
from zhengwu.tickets.models import Ticket


def _counts():
    return (
        Case.objects.count(),
        Ticket.objects.count(),
        Publication.objects.count(),
        DisclosureRequest.objects.count(),
        Rating.objects.count(),
        LedgerEntry.objects.count(),
        Alert.objects.count(),
    )


def test_demo_activity_fills_the_queues_once(demo_site):
    assert any(line.startswith("办件演示:新增") for line in demo_site.lines)

    cases = Case.objects.filter(idempotency_key__startswith="demo-")
    assert cases.count() >= 40
    assert len(set(cases.values_list("status", flat=True))) >= 6
    supervisor = get_user_model().objects.get(username="supervisor")
    today = clock.today()
    assert supervision.level_counts(supervisor, today)["red"] >= 1
    assert supervision.level_counts(supervisor, today)["yellow"] >= 1

    assert len(set(Ticket.objects.values_list("status", flat=True))) >= 3
    assert Publication.objects.filter(status="published").count() >= 10
    assert DisclosureRequest.objects.filter(outcome="partial").exists()
    assert Rating.objects.count() >= 10
    assert Rectification.objects.count() == 2
    assert LedgerEntry.objects.count() == 5

    before = _counts()
    again = load_domain_demos()
    assert _counts() == before
    assert all("已存在" in line or line.startswith("事项目录") for line in again)


def test_the_demo_catalogue_gives_each_department_its_window_in_the_demo_county(demo_site):
    catalogue_line = next(line for line in demo_site.lines if line.startswith("事项目录"))
    assert "问题0处" in catalogue_line and "!" not in catalogue_line
    item = ServiceItem.objects.get(current_version__name="取水许可", current_version__sub_name="新办")
    assert [(w.centre.name, w.number, w.name) for w in item.current_version.windows.all()] == [
        ("贵溪市政务服务中心", "28", "水利专窗")
    ]
    without = ServiceItem.objects.filter(current_version__windows__isnull=True).distinct()
    assert {i.organisation.short_name for i in without} == {
        "财政局"
    }  # no window of its own: the general wording
    again = catalog_demo.load_demo_catalogue()
    assert again.problems == [] and not again.created and not again.revised


def test_command_prints_the_logins_and_a_second_run_changes_nothing(demo_site, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "用户名" in out and "用途" in out and f"密码均为 {demo_password()}" in out
    for username in (
        "clerk",
        "manager",
        "manager2",
        "supervisor",
        "gov_review",
        "secrecy",
        "gov_head",
        "admin",
        "cashier",
    ):
        assert f" {username} " in out
    assert "财政局收费窗口(42号)" in out  # the cashier with the window the fees line names
    # the portal's applicants, a person and a company, with the number they sign in with
    from zhengwu.cases import demo as cases_demo

    person, company = cases_demo.PEOPLE["liumei"][2], cases_demo.PEOPLE["hongyuan"][2]
    assert "门户账号" in out and "/cases/signin/" in out
    assert f"门户用户(个人)  {person}" in out and f"门户用户(法人)  {company}" in out
    assert "政府信息公开:保密审查" in out and "审核发布另一位管理人员提交的事项" in out
    assert "贵溪市监察委员会" in out
    assert "未作任何修改" in out


def test_the_hall_screen_has_todays_receipts_and_completions_on_a_working_day(demo_site, client):
    from zhengwu.core.models import ServiceCentre

    centre = ServiceCentre.objects.get(name="贵溪市政务服务中心")
    data = client.get(f"/hall/{centre.pk}/data/").json()
    assert data["today"] >= 2 and data["completed_today"] >= 1, data
    assert all("号窗口" in row["window"] for row in data["latest"] if row["window"])


def test_the_demo_s_applicants_sign_in_to_the_portal_and_find_their_own(demo_site, client):
    from zhengwu.cases import demo as cases_demo
    from zhengwu.fees.models import Notice

    person = cases_demo.PEOPLE["liumei"][2]
    response = client.post("/cases/signin/", {"account": person, "password": demo_password()})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get("/cases/").content.decode()
    unpaid = Notice.objects.get(case__idempotency_key="demo-fees-unpaid")
    assert unpaid.case.number in page  # her 不动产 case with its fee to pay
    client.post("/cases/signout/")
    company = cases_demo.PEOPLE["hongyuan"][2]
    response = client.post("/cases/signin/legal/", {"account": company, "password": demo_password()})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get("/cases/").content.decode()
    own = Case.objects.filter(applicant__id_number=company).exclude(number__isnull=True)
    assert own.exists() and all(c.number in page for c in own.order_by("-created_at")[:3])
    assert "鸿远" in client.get("/licences/").content.decode()
    # made once: a second load makes no account
    assert cases_demo.portal_accounts() == 0


def test_every_demo_grant_of_a_licence_item_issued_its_licence_joint_members_too(demo_site, client):
    from zhengwu.cases.models import Decision
    from zhengwu.joint.models import JointCase
    from zhengwu.licences import services as licences
    from zhengwu.licences.models import Licence, Status

    granted = [c for c in Case.objects.filter(decision=Decision.GRANT) if licences.type_for_item(c.item)]
    assert len(granted) >= 10
    assert [c.number for c in granted if not c.licences.exists()] == []
    # 开办餐饮店: every member's licence is in the company's wallet, and a company holds one 营业执照 (换发)
    joint = JointCase.objects.filter(version__name__contains="餐饮", phase="finished").first()
    assert joint is not None
    holder = joint.applicant.id_number
    held = {licence.type.name for licence in Licence.objects.filter(holder_id=holder, status=Status.VALID)}
    assert any("排水" in name for name in held), held
    assert {"公共场所卫生许可证", "食品经营许可证", "营业执照"} <= held
    assert Licence.objects.filter(holder_id=holder, type__name="营业执照", status=Status.VALID).count() == 1


def test_the_supervisor_sees_a_red_member_case_as_part_of_its_joint_case(demo_site, client):
    from zhengwu.joint.models import JointMember

    client.force_login(get_user_model().objects.get(username="supervisor"))
    home = client.get("/workbench/").content.decode()
    red = home[home.index('data-worklist="red_cases"') :]
    late = JointMember.objects.filter(case__number__in=[n for n in Case.objects.values_list("number", flat=True)
                                                        if n in red]).select_related("joint", "case").first()  # fmt: skip
    assert late is not None, "a joint member is among the red cases of the demo"
    assert f"联办件 {late.joint.number} 成员" in red
    page = client.get(f"/workbench/supervision/cases/{late.case.pk}/").content.decode()
    assert f'href="/workbench/joint/{late.joint.number}/"' in page


def test_every_demo_grant_s_licence_shows_every_field_in_the_wallet_and_the_pdf(demo_site, client):
    """#17: each licence a demo grant issued fills every data item from the grant — the 公共场所卫生许可证 (a form
    with no subject) names the item and the venue chosen, a person's 营业执照 names the person as 负责人 — and the
    不动产 registrations issue their 不动产权证书 with the property's data (不动产登记暂行条例 第二十一条)."""
    import subprocess

    from zhengwu.cases import demo as cases_demo
    from zhengwu.licences import services as licences
    from zhengwu.licences.models import Licence

    issued = list(Licence.objects.filter(case__isnull=False).select_related("type", "case"))
    assert len(issued) >= 13
    empty = [
        (licence.type.name, licence.case.number, label)
        for licence in issued
        for label, value in licences.pdf_context(licence)["items"]
        if not value.strip()
    ]
    assert empty == []
    hygiene = next(licence for licence in issued if licence.type.name == "公共场所卫生许可证")
    assert hygiene.data["subject"] == "公共场所卫生许可(新办):餐饮场所(饭馆、咖啡馆、酒吧、茶座)"
    # a licence per premises prints the shop its application named, not the company's 住所
    per_premises = [lic for lic in issued if lic.type.name in ("食品经营许可证", "公共场所卫生许可证")]
    assert per_premises and all(
        lic.data["address"] and lic.data["address"] != lic.case.applicant.address for lic in per_premises
    )
    estate = [licence for licence in issued if licence.type.name == "不动产权证书"]
    assert {licence.case.form["subject"] for licence in estate} >= {
        "二手住宅买卖转移登记",
        "继承住宅转移登记",
    }
    assert all(len(licence.data["unit_number"]) == 28 for licence in estate)
    # the holder sees it in the wallet, and its PDF prints the fields
    company = cases_demo.PEOPLE["hongyuan"][2]
    assert (
        client.post("/cases/signin/legal/", {"account": company, "password": demo_password()}).status_code
        == 302
    )
    page = client.get(f"/licences/{hygiene.identifier}/").content.decode()
    assert "许可事项" in page and "餐饮场所(饭馆、咖啡馆、酒吧、茶座)" in page
    pdf = client.get(f"/licences/{hygiene.identifier}/download/").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "餐饮场所" in text and "刘美玲" in text


def test_each_domains_own_checks_hold_on_this_load(demo_site):
    """The joint and fees demos' own checks (tests/<domain>/demo_checks.py) on the suite's one load of the whole demo,
    on each engine — tests/core/test_demo_dates.py runs them again on SQLite at three other moments."""
    check_the_joint_demo(demo_site.lines)
    check_the_fees_demo(demo_site.lines)
