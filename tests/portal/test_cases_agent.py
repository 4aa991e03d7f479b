"""Applying online as an agent (代理人/代办人): the account holder applies for another person (代他人申请) or for a
company (法人经办人办理). The principal is registered with the service the counter uses and is the case's applicant;
the account holder is its agent; the power of attorney (授权委托书) is a required upload checked by content."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.conftest import pdf_upload, publish, resident_id, world  # noqa: F401 — fixtures
from tests.factories import PDF_BYTES, PNG_BYTES, paper_checklist
from zhengwu.cases import services
from zhengwu.cases.models import POWER_OF_ATTORNEY, Applicant, Case, OutboxMessage, Status
from zhengwu.core import ids
from zhengwu.portal.cases.forms import ApplyingAsForm

PRINCIPAL_ID = resident_id("19850505", "222")
GOOD_USCC = ids.make_uscc("9", "1", "360681", "MA35X7Q2")  # the company in the world fixture


@pytest.fixture
def agent(client, world):  # noqa: F811
    """张三, signed in with his own real-name-checked account."""
    services.verify_real_name(applicant=world.citizen)
    client.force_login(world.citizen_user)
    return client


def poa(name="授权委托书.pdf", body=PDF_BYTES):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def for_person(**changes) -> dict:
    data = {
        "applying_as": "person",
        "principal_name": "李秀英",
        "principal_id_number": PRINCIPAL_ID,
        "principal_phone": "13912345678",
        "form.subject": "代母亲申请开一家小吃店",
        "action": "submit",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# ---- the form: what is wrong is said at the field, in Chinese


BAD_CHECK = PRINCIPAL_ID[:17] + ("0" if PRINCIPAL_ID[17] != "0" else "1")


@pytest.mark.parametrize(
    ("data", "files", "field", "message"),
    [
        (
            for_person(principal_id_number=BAD_CHECK),
            True,
            "principal_id_number",
            "居民身份证号码无效:校验位错误",
        ),
        (for_person(principal_id_number="360681850505222"), True, "principal_id_number", "长度应为18位"),
        (
            for_person(principal_id_number="360681 1985 0231 2220"),
            True,
            "principal_id_number",
            "2月31日不存在",
        ),
        (for_person(principal_id_number=""), True, "principal_id_number", "请填写居民身份证号码"),
        (for_person(principal_name=""), True, "principal_name", "请填写申请人姓名"),
        (for_person(principal_phone="电话"), True, "principal_phone", "请填写正确的手机号码或固定电话"),
        (for_person(), False, "power_of_attorney", "代他人申请须上传申请人签署的授权委托书"),
        (
            for_person(
                applying_as="company", principal_name="好味道", principal_id_number=GOOD_USCC[:17] + "0"
            ),
            True,
            "principal_id_number",
            "统一社会信用代码无效",
        ),
        (
            for_person(applying_as="company", principal_name="", principal_id_number=GOOD_USCC),
            True,
            "principal_name",
            "请填写单位名称",
        ),
        (
            for_person(principal_id_number=resident_id()),  # 张三's own number
            True,
            "principal_id_number",
            "申请人不能是您本人",
        ),
    ],
)
def test_form_validation_table(world, data, files, field, message):  # noqa: F811
    world.citizen.verified_at = world.citizen.created_at
    form = ApplyingAsForm(
        data, {"power_of_attorney": poa()} if files else {}, account=world.citizen, submitting=True
    )
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])
    assert list(form.errors) == [field]  # and nowhere else


def test_the_form_for_oneself_asks_nothing_more(world):  # noqa: F811
    form = ApplyingAsForm({"applying_as": "self"}, {}, account=world.citizen, submitting=True)
    assert form.is_valid() and form.principal() is None and form.agent() is None
    absent = ApplyingAsForm({}, {}, account=world.citizen, submitting=True)  # older pages send no choice
    assert absent.is_valid() and absent.principal() is None


def test_a_draft_needs_no_power_of_attorney_yet_and_a_saved_one_counts(world):  # noqa: F811
    world.citizen.verified_at = world.citizen.created_at
    assert ApplyingAsForm(for_person(action="draft"), {}, account=world.citizen, submitting=False).is_valid()
    assert ApplyingAsForm(
        for_person(), {}, account=world.citizen, submitting=True, has_power_of_attorney=True
    ).is_valid()


def test_an_unverified_or_company_account_cannot_act_as_agent(world):  # noqa: F811
    unverified = ApplyingAsForm(for_person(), {"power_of_attorney": poa()}, account=world.citizen)
    assert not unverified.is_valid() and "尚未通过实名核验" in unverified.errors["applying_as"][0]
    company = ApplyingAsForm(for_person(), {"power_of_attorney": poa()}, account=world.company)
    assert not company.is_valid() and "单位账号不能代他人申请" in company.errors["applying_as"][0]


# ---- the page


def test_the_page_offers_the_choice_and_shows_the_agent_from_the_account(agent, world):  # noqa: F811
    html = agent.get(f"/cases/apply/{world.item.code}/").content.decode()
    for text in ("本人申请", "代他人申请", "法人经办人办理", "授权委托书 *", 'name="principal_id_number"'):
        assert text in html
    assert 'value="self"' in html and "checked" in html.split('value="self"')[1].split(">")[0]
    assert "代办人(您本人,取自登录账号)" in html and "张三" in html
    assert "360681********" in html and resident_id() not in html  # his own number masked


def test_errors_are_shown_at_their_fields_and_nothing_is_filed(agent, world):  # noqa: F811
    response = agent.post(
        f"/cases/apply/{world.item.code}/",
        for_person(principal_id_number=BAD_CHECK, idempotency_key="k-bad"),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_principal_id_number_error"' in html and "居民身份证号码无效:校验位错误" in html
    assert 'id="id_power_of_attorney_error"' in html and "代他人申请须上传申请人签署的授权委托书" in html
    assert not Case.objects.exists() and not Applicant.objects.filter(name="李秀英").exists()


def test_a_blank_required_field_is_named_with_the_other_errors_not_on_the_next_submit(agent, world):  # noqa: F811
    """代他人申请 with the 委托书 not chosen and 申请事项说明 left blank: both named in one answer — the blank field
    used to be named only on the next submit, the form's own checks being the domain's, which was not reached."""
    response = agent.post(
        f"/cases/apply/{world.item.code}/", for_person(**{"form.subject": "", "idempotency_key": "k-blank"})
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_power_of_attorney_error"' in html and "代他人申请须上传申请人签署的授权委托书" in html
    assert 'id="id_form.subject_error"' in html and "请填写「申请事项说明」" in html
    assert not Case.objects.filter(idempotency_key="k-blank").exists()


def test_saving_a_draft_for_someone_else_does_not_ask_for_the_required_fields(agent, world):  # noqa: F811
    response = agent.post(
        f"/cases/apply/{world.item.code}/",
        for_person(**{"form.subject": "", "principal_id_number": BAD_CHECK, "action": "save"}),
    )
    html = response.content.decode()
    assert "居民身份证号码无效:校验位错误" in html
    assert "请填写「申请事项说明」" not in html  # a draft may be left unfinished


def test_a_power_of_attorney_that_is_not_a_document_is_refused_by_content(agent, world):  # noqa: F811
    fake = SimpleUploadedFile("授权委托书.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = agent.post(
        f"/cases/apply/{world.item.code}/",
        {**for_person(idempotency_key="k-fake"), "power_of_attorney": fake},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_power_of_attorney_error"' in html and "文件内容不是 PDF、JPEG、PNG 或 OFD" in html
    assert not Case.objects.exclude(status=Status.DRAFT).exists()


def test_applying_for_another_person_makes_them_the_applicant_and_me_the_agent(agent, world):  # noqa: F811
    response = agent.post(
        f"/cases/apply/{world.item.code}/",
        {**for_person(idempotency_key="k-agent"), "power_of_attorney": poa(), "material_1": pdf_upload()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(idempotency_key="k-agent")
    principal = case.applicant
    assert (principal.kind, principal.name, principal.id_number) == ("natural", "李秀英", PRINCIPAL_ID)
    assert principal.phone == "13912345678" and principal.verified_at is not None and principal.user is None
    assert (case.agent_name, case.agent_id_number, case.agent_phone) == ("张三", resident_id(), "13800138000")
    assert (
        case.created_by == world.citizen_user and case.channel == "online" and case.status == Status.RECEIVED
    )
    poa_file = case.materials.get(position=POWER_OF_ATTORNEY)
    assert poa_file.name == "授权委托书" and poa_file.content_type == "application/pdf"
    assert case.materials.filter(position=1).exists()

    # 我的办件: the agent sees the case he applied for, marked as applied for someone else.
    index = agent.get("/cases/").content.decode()
    assert case.number in index and "李秀英" in index and "代办" in index
    # The case page names both; the power of attorney is listed with the materials.
    page = agent.get(f"/cases/mine/{case.number}/").content.decode()
    assert 'id="case-applicant">李秀英' in page and 'id="case-agent">张三' in page
    assert "授权委托书.pdf" in page
    # The notices are addressed to the applicant, with the agent named; masked like every message.
    sms = OutboxMessage.objects.get(case=case, channel="sms", recipient="13912345678")
    assert sms.body.startswith("李**(代办人 张*):您的申请已收件")
    # …and the agent who applied gets a copy at their own account's number.
    [copy] = OutboxMessage.objects.filter(case=case, channel="sms").exclude(recipient="13912345678")
    assert copy.body.startswith("张*:您代办的李**的申请")
    # Anyone with the query code sees both, masked.
    lookup = agent.get(
        "/cases/lookup/", {"number": case.number, "query_code": case.query_code}
    ).content.decode()
    assert 'id="case-agent">张*' in lookup and "李**" in lookup and "李秀英" not in lookup


def test_acting_for_a_company_keeps_its_record_as_it_is(agent, world):  # noqa: F811
    data = {
        **for_person(
            applying_as="company",
            principal_name="贵溪市好味道餐饮有限公司",
            principal_id_number=GOOD_USCC.lower(),
            principal_phone="13700000000",
            principal_legal_representative="王五",
            idempotency_key="k-company",
        ),
        "power_of_attorney": poa(),
    }
    assert agent.post(f"/cases/apply/{world.item.code}/", data).status_code == 302
    case = Case.objects.get(idempotency_key="k-company")
    assert case.applicant == world.company and case.agent_name == "张三"
    world.company.refresh_from_db()  # an agent online cannot redirect the company's notifications
    assert world.company.phone == "13900139000" and world.company.legal_representative == "李四"
    wrong = agent.post(
        f"/cases/apply/{world.item.code}/",
        {**data, "principal_name": "别的公司", "idempotency_key": "k-company-2", "power_of_attorney": poa()},
    )
    assert wrong.status_code == 422
    assert "姓名或名称与该证件号码登记的不一致" in wrong.content.decode()


def test_a_draft_for_someone_else_is_continued_and_submitted(agent, world):  # noqa: F811
    saved = agent.post(
        f"/cases/apply/{world.item.code}/",
        {
            **for_person(action="draft", idempotency_key="k-d"),
            "power_of_attorney": poa("委托书.png", PNG_BYTES),
        },
        follow=True,
    )
    html = saved.content.decode()
    assert "草稿已保存" in html and "授权委托书已上传:委托书.png" in html
    assert 'value="person"' in html and "checked" in html.split('value="person"')[1].split(">")[0]
    assert f'value="{PRINCIPAL_ID}"' in html
    draft = Case.objects.get(status=Status.DRAFT)
    assert draft.applicant.name == "李秀英" and draft.agent_name == "张三"
    done = agent.post(
        f"/cases/apply/{world.item.code}/",
        {**for_person(idempotency_key="k-d"), "draft": draft.pk},  # the power of attorney is already there
    )
    draft.refresh_from_db()
    assert done.status_code == 302 and draft.status == Status.RECEIVED
    assert (
        draft.applicant.name == "李秀英" and draft.materials.filter(position=POWER_OF_ATTORNEY).count() == 1
    )


def test_switching_a_draft_back_to_oneself(agent, world):  # noqa: F811
    agent.post(
        f"/cases/apply/{world.item.code}/",
        {**for_person(action="draft", idempotency_key="k-s"), "power_of_attorney": poa()},
    )
    draft = Case.objects.get(status=Status.DRAFT)
    done = agent.post(
        f"/cases/apply/{world.item.code}/",
        {
            "applying_as": "self",
            "form.subject": "还是我自己申请",
            "idempotency_key": "k-s",
            "draft": draft.pk,
            "action": "submit",
        },
    )
    draft.refresh_from_db()
    assert done.status_code == 302 and draft.applicant == world.citizen and draft.agent_name == ""


def test_the_principal_with_an_account_sees_the_case_too(agent, client, world):  # noqa: F811
    principal = services.register_applicant(
        kind="natural", name="李秀英", id_number=PRINCIPAL_ID, phone="13912345678", password="Lxy-portal-2026"
    )
    agent.post(
        f"/cases/apply/{world.item.code}/",
        {**for_person(idempotency_key="k-p", principal_phone="13000000000"), "power_of_attorney": poa()},
    )
    case = Case.objects.get(idempotency_key="k-p")
    principal.refresh_from_db()
    assert case.applicant == principal and principal.phone == "13912345678"  # her own details stay hers
    agent.logout()
    client.force_login(principal.user)
    index = client.get("/cases/").content.decode()
    assert case.number in index and "由 张三 代办" in index


def test_the_verification_page_names_the_agent_masked(agent, client, world):  # noqa: F811
    agent.post(
        f"/cases/apply/{world.item.code}/",
        {**for_person(idempotency_key="k-v"), "power_of_attorney": poa()},
    )
    case = Case.objects.get(idempotency_key="k-v")
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    notice = case.notices.get()
    assert notice.essentials["applicant_name"] == "李秀英" and notice.essentials["agent_name"] == "张三"
    html = client.get(f"/verify/{notice.token}").content.decode()
    assert "李**" in html and "张*" in html and "李秀英" not in html and "张三" not in html


# ---- an item that lists its own 授权委托书 material: asked for once, at that material


@pytest.fixture
def own_poa_item(world):  # noqa: F811
    from tests.cases.test_agents import OWN_POA_ITEM

    return publish(OWN_POA_ITEM, world.bureau)


def test_the_form_without_its_power_of_attorney_field_checks_nothing_about_it(world, own_poa_item):  # noqa: F811
    world.citizen.verified_at = world.citizen.created_at
    own = own_poa_item.current_version.materials.get(position=3)
    form = ApplyingAsForm(for_person(), {}, account=world.citizen, submitting=True, own_power_of_attorney=own)
    assert "power_of_attorney" not in form.fields and form.is_valid()
    assert [f.name for f in form.principal_fields()] == [
        "principal_name",
        "principal_id_number",
        "principal_legal_representative",
        "principal_phone",
    ]


def test_the_page_asks_for_the_power_of_attorney_once(agent, world, own_poa_item):  # noqa: F811
    html = agent.get(f"/cases/apply/{own_poa_item.code}/").content.decode()
    assert 'name="power_of_attorney"' not in html and "授权委托书 *" not in html
    assert 'id="poa-own"' in html and "第 3 项「授权委托书及受托人居民身份证」" in html
    assert html.count('name="material_3"') == 1
    # an item without its own 委托书 material still has the extra upload
    plain = agent.get(f"/cases/apply/{world.item.code}/").content.decode()
    assert 'name="power_of_attorney"' in plain and 'id="poa-own"' not in plain


def test_submitting_without_the_items_own_power_of_attorney_is_refused_at_it(agent, own_poa_item):
    response = agent.post(
        f"/cases/apply/{own_poa_item.code}/",
        {**for_person(idempotency_key="k-own-missing"), "material_1": pdf_upload()},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_material_3_error"' in html and "代他人申请须上传申请人签署的授权委托书" in html
    assert not Case.objects.exists()


def test_the_items_own_power_of_attorney_missing_and_a_blank_field_in_one_answer(agent, own_poa_item):
    response = agent.post(
        f"/cases/apply/{own_poa_item.code}/",
        {**for_person(**{"form.subject": "", "idempotency_key": "k-own-blank"}), "material_1": pdf_upload()},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_material_3_error"' in html and 'id="id_form.subject_error"' in html
    assert not Case.objects.exists()


def test_the_missing_power_of_attorney_shows_with_the_other_errors(agent, own_poa_item):
    response = agent.post(
        f"/cases/apply/{own_poa_item.code}/",
        for_person(principal_id_number=BAD_CHECK, idempotency_key="k-own-bad"),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_principal_id_number_error"' in html and 'id="id_material_3_error"' in html
    assert not Case.objects.exists()


def test_the_items_own_power_of_attorney_is_the_one_uploaded(agent, world, own_poa_item):  # noqa: F811
    response = agent.post(
        f"/cases/apply/{own_poa_item.code}/",
        {**for_person(idempotency_key="k-own"), "material_1": pdf_upload(), "material_3": poa()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(idempotency_key="k-own")
    assert case.status == Status.RECEIVED and case.agent_name == "张三"
    assert list(case.materials.values_list("position", flat=True).order_by("position")) == [1, 3]
    page = agent.get(f"/cases/mine/{case.number}/").content.decode()
    materials = page.split('id="case-materials"')[1].split("</ul>")[0]
    assert materials.count("<li") == 3 and materials.count("授权委托书及受托人居民身份证") == 1
    assert "授权委托书.pdf" in materials and "0. " not in materials


def test_a_draft_with_the_items_own_power_of_attorney_is_submitted(agent, world, own_poa_item):  # noqa: F811
    agent.post(
        f"/cases/apply/{own_poa_item.code}/",
        {**for_person(action="draft", idempotency_key="k-own-d"), "material_3": poa()},
    )
    draft = Case.objects.get(status=Status.DRAFT)
    done = agent.post(
        f"/cases/apply/{own_poa_item.code}/", {**for_person(idempotency_key="k-own-d"), "draft": draft.pk}
    )
    draft.refresh_from_db()
    assert done.status_code == 302 and draft.status == Status.RECEIVED
