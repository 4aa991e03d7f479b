"""Where citizens and companies sign in: the header offers 个人登录 / 法人登录 / 注册 as national platforms do (staff
sign-in is a small link above it); each entrance signs in its own kind of account — a company's account by its USCC —
and registration says what was checked, never how the check is built."""

import re

import pytest
from django.test import override_settings

from tests.cases.conftest import resident_id, world  # noqa: F401 — fixtures
from zhengwu.cases import identity, services
from zhengwu.cases.models import Applicant
from zhengwu.core import ids

COMPANY_PASSWORD = "Haowei-2026-shop"


@pytest.fixture
def company_account(world):  # noqa: F811
    """The company registered with its USCC and a password: its own portal account."""
    return services.register_applicant(
        kind="legal",
        name="贵溪市味美食品有限公司",
        id_number=ids.make_uscc("9", "1", "360681", "MA36K2P7"),
        legal_representative="王五",
        phone="13911112222",
        password=COMPANY_PASSWORD,
    )


def header_of(html: str) -> str:
    match = re.search(r'data-testid="account-entrances".*?</nav>', html, re.S)
    return match.group(0) if match else ""


def test_the_header_offers_personal_and_company_sign_in_and_registration(client, world):  # noqa: F811
    html = client.get("/").text
    header = header_of(html)
    for label, url in (
        ("个人登录", "/cases/signin/"),
        ("法人登录", "/cases/signin/legal/"),
        ("注册", "/cases/register/"),
    ):
        assert f'href="{url}"' in header and label in header
    assert "工作人员登录" not in header
    assert 'class="zw-staff-link' in html and 'href="/accounts/login/"' in html  # staff sign-in moved aside


def test_the_header_shows_the_signed_in_applicant_masked_and_their_cases(client, world):  # noqa: F811
    client.force_login(world.citizen_user)
    header = header_of(client.get("/").text)
    assert "张*" in header and "张三" not in header and 'href="/cases/"' in header and "退出" in header
    assert "个人登录" not in header


def test_a_person_signs_in_with_phone_or_resident_id(client, world):  # noqa: F811
    by_id = client.post(
        "/cases/signin/",
        {"account": world.citizen.id_number.lower(), "password": world.password, "next": "/cases/"},
    )
    assert by_id.status_code == 302 and by_id["Location"] == "/cases/"
    client.logout()
    by_phone = client.post("/cases/signin/", {"account": "13800138000", "password": world.password})
    assert by_phone.status_code == 302


def test_a_company_signs_in_with_its_uscc_and_acts_for_the_company(client, world, company_account):  # noqa: F811
    page = client.get("/cases/signin/legal/").text
    assert '<h1 class="h3">法人登录</h1>' in page and "统一社会信用代码(或手机号码、电子邮箱)" in page
    signed = client.post(
        "/cases/signin/legal/", {"account": company_account.id_number, "password": COMPANY_PASSWORD}
    )
    assert signed.status_code == 302 and signed["Location"] == "/cases/"
    mine = client.get("/cases/").text
    assert "贵溪市味美食品有限公司" in mine and "本单位办件" in header_of(mine)


def test_each_entrance_signs_in_only_its_own_kind_of_account(client, world, company_account):  # noqa: F811
    wrong_door = client.post("/cases/signin/", {"account": "13911112222", "password": COMPANY_PASSWORD}).text
    assert "这是法人或其他组织账号,请从「法人登录」登录" in wrong_door
    assert 'id="other-entrance" href="/cases/signin/legal/"' in wrong_door
    person = client.post("/cases/signin/legal/", {"account": "13800138000", "password": world.password}).text
    assert "这是自然人账号,请从「个人登录」登录" in person
    assert "_auth_user_id" not in client.session


def test_a_wrong_uscc_or_password_says_only_that_it_is_wrong(client, world, company_account):  # noqa: F811
    unknown = ids.make_uscc("9", "1", "360681", "MA36K2Q1")
    for account, password in ((unknown, COMPANY_PASSWORD), (company_account.id_number, "wrong-password")):
        html = client.post("/cases/signin/legal/", {"account": account, "password": password}).text
        assert "账号或密码错误" in html
    assert "_auth_user_id" not in client.session


def test_a_company_registers_and_is_told_what_was_checked(client, world):  # noqa: F811
    assert 'value="legal" selected' in client.get("/cases/register/?kind=legal").text
    uscc = ids.make_uscc("9", "1", "360681", "MA37L3R5")
    response = client.post(
        "/cases/register/",
        {
            "kind": "legal",
            "name": "贵溪市山泉饮品有限公司",
            "id_number": uscc,
            "legal_representative": "陈六",
            "phone": "13922223333",
            "password": "Shanquan-2026!",
            "password2": "Shanquan-2026!",
        },
        follow=True,
    )
    html = response.text
    assert "注册成功,已核验统一社会信用代码的格式与校验位" in html
    assert "替身" not in html and "本地" not in html and "local" not in html
    company = Applicant.objects.get(id_number=uscc)
    assert company.kind == "legal" and company.verified_by == "已核验统一社会信用代码的格式与校验位"


class CountyRegistry:
    """A provider as an installation might plug in: it answers from the public-security population service."""

    def verify(self, kind, name, id_number):
        if name == "查无此人":
            return identity.Verdict(False, "姓名与身份证号码不一致", "county-registry", "已与人口信息核对")
        return identity.Verdict(True, "", "county-registry", "已与公安部门人口信息核对姓名与身份证号码")


@override_settings(ZHENGWU_REAL_NAME_PROVIDER="tests.portal.test_signin_entrances.CountyRegistry")
def test_the_real_name_provider_is_a_setting_and_its_words_are_shown(client, world):  # noqa: F811
    data = {
        "kind": "natural",
        "name": "查无此人",
        "id_number": resident_id("19800808", "246"),
        "phone": "13933334444",
        "password": "Registry-2026!",
        "password2": "Registry-2026!",
    }
    refused = client.post("/cases/register/", data).text
    assert "实名核验未通过:姓名与身份证号码不一致" in refused
    assert not Applicant.objects.filter(phone="13933334444").exists()
    done = client.post("/cases/register/", {**data, "name": "刘七"}, follow=True).text
    assert "注册成功,已与公安部门人口信息核对姓名与身份证号码" in done and "county-registry" not in done


def test_a_resident_id_or_phone_typed_full_width_signs_in(client, world):  # noqa: F811
    """A Chinese input method types ３６０６８１…Ｘ; the ID number was refused as a wrong account."""
    full_width = world.citizen.id_number.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert full_width != world.citizen.id_number
    by_id = client.post("/cases/signin/", {"account": f" {full_width.lower()} ", "password": world.password})
    assert by_id.status_code == 302
    client.logout()
    by_phone = client.post(
        "/cases/signin/", {"account": "１３８００１３８０００", "password": world.password}
    )
    assert by_phone.status_code == 302
