"""Portal case pages: register and sign in as an applicant, apply online with uploads (draft, idempotent submit),
my cases with timeline, notices, supplement and withdrawal; status by number and query code; the due calculator."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.conftest import at, pdf_upload, resident_id, world  # noqa: F401 — fixtures
from tests.factories import PNG_BYTES, paper_checklist
from zhengwu.cases import services
from zhengwu.cases.models import Applicant, Case, Status

PNG = PNG_BYTES


def png(name="营业执照.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def citizen(client, world):  # noqa: F811
    client.force_login(world.citizen_user)
    return client


def test_register_checks_real_name_and_signs_in(client, world):  # noqa: F811
    data = {
        "kind": "natural",
        "name": "李秀英",
        "id_number": resident_id("19850505", "222"),
        "phone": "13912345678",
        "password": "Lxy-portal-2026",
        "password2": "Lxy-portal-2026",
    }
    bad = client.post("/cases/register/", {**data, "id_number": "360681198505052220"})
    assert bad.status_code == 200 and "居民身份证号码无效" in bad.content.decode()
    assert not Applicant.objects.filter(name="李秀英").exists()
    response = client.post("/cases/register/", data, follow=True)
    html = response.content.decode()
    # the person is told what was checked, never how the check is built
    assert "注册成功,已核验居民身份证号码的格式与校验位" in html and "我的办件" in html
    assert "替身" not in html and "本地校验" not in html
    applicant = Applicant.objects.get(name="李秀英")
    assert applicant.verified_at is not None and applicant.user.username == "13912345678"


def test_sign_in_with_phone_and_sign_out(client, world):  # noqa: F811
    wrong = client.post("/cases/signin/", {"account": "13800138000", "password": "nope"})
    assert "账号或密码错误" in wrong.content.decode()
    ok = client.post(
        "/cases/signin/", {"account": "13800138000", "password": world.password, "next": "/cases/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/cases/"
    assert "张三" in client.get("/cases/").content.decode()
    client.post("/cases/signout/")
    assert client.get("/cases/")["Location"].startswith("/cases/signin/")


def test_staff_cannot_use_the_applicant_sign_in(client, world):  # noqa: F811
    response = client.post("/cases/signin/", {"account": "clerk", "password": world.password})
    assert "工作人员请从「工作人员登录」入口登录" in response.content.decode()


def test_apply_page_renders_the_form_and_every_material(citizen, world):  # noqa: F811
    html = citizen.get(f"/cases/apply/{world.item.code}/").content.decode()
    assert "申请事项说明 *" in html and 'name="form.subject"' in html
    for name in ("1. 食品经营许可申请书 *", "2. 营业执照复印件 *", "3. 场所平面图"):
        assert name in html
    assert 'enctype="multipart/form-data"' in html and 'name="idempotency_key"' in html


def test_anonymous_apply_goes_to_sign_in_and_back(client, world):  # noqa: F811
    response = client.get(f"/cases/apply/{world.item.code}/")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/signin/?next=/cases/apply/{world.item.code}/"


def test_submit_with_uploads_makes_one_case_even_when_sent_twice(citizen, world):  # noqa: F811
    key = "k-" + "1" * 30
    post = {
        "form.subject": "开一家小面馆",
        "idempotency_key": key,
        "action": "submit",
        "material_1": pdf_upload(),
    }
    first = citizen.post(f"/cases/apply/{world.item.code}/", post)
    assert first.status_code == 302
    case = Case.objects.get(idempotency_key=key)
    assert first["Location"] == f"/cases/mine/{case.number}/"
    again = citizen.post(
        f"/cases/apply/{world.item.code}/", {**post, "material_1": pdf_upload()}, follow=True
    )
    assert "没有重复提交" in again.content.decode()
    assert Case.objects.exclude(status=Status.DRAFT).filter(applicant=world.citizen).count() == 1
    assert case.status == Status.RECEIVED and case.materials.get().content_type == "application/pdf"
    page = citizen.get(f"/cases/mine/{case.number}/").content.decode()
    assert case.query_code in page and "已收件" in page and "提交申请(收件)" in page
    assert "贵溪市市场监督管理局" in page  # which organisation, in the timeline


def test_a_file_that_is_not_what_it_claims_is_refused_at_its_input(citizen, world):  # noqa: F811
    fake = SimpleUploadedFile("申请书.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = citizen.post(
        f"/cases/apply/{world.item.code}/",
        {"form.subject": "开店", "idempotency_key": "k-fake", "action": "submit", "material_1": fake},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "文件内容不是 PDF、JPEG、PNG 或 OFD" in html
    assert 'name="draft"' in html  # the typed form was kept as a draft, nothing lost
    assert not Case.objects.filter(idempotency_key="k-fake").exists()


def test_missing_required_field_is_shown_at_the_field(citizen, world):  # noqa: F811
    response = citizen.post(
        f"/cases/apply/{world.item.code}/", {"form.subject": "", "idempotency_key": "k-2", "action": "submit"}
    )
    html = response.content.decode()
    assert response.status_code == 422 and "请填写「申请事项说明」" in html
    assert 'id="id_form.subject_error"' in html


def test_save_draft_then_continue_and_submit(citizen, world):  # noqa: F811
    saved = citizen.post(
        f"/cases/apply/{world.item.code}/",
        {"form.subject": "草稿里的说明", "idempotency_key": "k-3", "action": "draft", "material_2": png()},
        follow=True,
    )
    html = saved.content.decode()
    assert "草稿已保存" in html and "草稿里的说明" in html and "已上传:营业执照.png" in html
    draft = Case.objects.get(status=Status.DRAFT, applicant=world.citizen)
    assert "继续填写" in citizen.get("/cases/").content.decode()
    done = citizen.post(
        f"/cases/apply/{world.item.code}/",
        {"form.subject": "草稿里的说明", "idempotency_key": "k-3", "draft": draft.pk, "action": "submit"},
    )
    draft.refresh_from_db()
    assert done.status_code == 302 and draft.status == Status.RECEIVED and draft.materials.count() == 1


def test_a_refused_file_is_shown_at_its_field_and_the_others_go_in_with_the_draft(citizen, world):  # noqa: F811
    response = citizen.post(
        f"/cases/apply/{world.item.code}/",
        {
            "form.subject": "开一家面馆",
            "idempotency_key": "k-4",
            "action": "submit",
            "material_1": SimpleUploadedFile(
                "申请书.pdf", b"not a pdf at all", content_type="application/pdf"
            ),
            "material_2": png(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 422 and 'id="id_material_1_error"' in html
    draft = Case.objects.get(
        applicant=world.citizen
    )  # nothing submitted: the draft, with the file that passed
    assert draft.status == Status.DRAFT and list(draft.materials.values_list("position", flat=True)) == [2]


def test_a_failure_after_the_draft_was_saved_leaves_no_draft_behind(citizen, world, monkeypatch):  # noqa: F811
    # the draft, the library's materials and the files are one write (hall.intake.apply_online)
    def power_cut(*args, **kwargs):
        raise RuntimeError("证照库连接中断")

    monkeypatch.setattr("zhengwu.cases.library.fill", power_cut)
    with pytest.raises(RuntimeError):
        citizen.post(
            f"/cases/apply/{world.item.code}/",
            {"form.subject": "开一家面馆", "idempotency_key": "k-5", "action": "draft", "material_2": png()},
        )
    assert not Case.objects.filter(applicant=world.citizen).exists()


def test_a_refused_submission_keeps_the_draft_and_its_files(citizen, world, monkeypatch):  # noqa: F811
    from zhengwu.core.errors import Conflict

    def suspended(**kwargs):
        raise Conflict("该事项已暂停网上受理,请到窗口办理")

    monkeypatch.setattr("zhengwu.hall.intake.services.submit_case", suspended)
    response = citizen.post(
        f"/cases/apply/{world.item.code}/",
        {"form.subject": "开一家面馆", "idempotency_key": "k-6", "action": "submit", "material_2": png()},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "该事项已暂停网上受理,请到窗口办理" in html
    assert "已上传:营业执照.png" in html  # not to be chosen again
    draft = Case.objects.get(applicant=world.citizen)
    assert draft.status == Status.DRAFT and draft.materials.count() == 1


def _filed(world):  # noqa: F811
    case = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "开店"}
    )
    services.upload_material(case=case, by=world.citizen_user, position=1, upload=pdf_upload())
    return case


def test_supplement_upload_then_status_back_to_received(citizen, world):  # noqa: F811
    case = _filed(world)
    services.request_supplement(
        case=case, by=world.clerk, items=[{"position": 2, "problem": "未提供营业执照复印件"}]
    )
    html = citizen.get(f"/cases/mine/{case.number}/").content.decode()
    assert "请补正以下材料(一次性告知)" in html and "未提供营业执照复印件" in html
    assert "补正材料通知书" in html
    empty = citizen.post(f"/cases/mine/{case.number}/supply/", {})
    assert empty.status_code == 422 and "以下材料尚未补交:营业执照复印件" in empty.content.decode()
    done = citizen.post(f"/cases/mine/{case.number}/supply/", {"material_2": png()}, follow=True)
    assert "材料已补齐" in done.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_supplement_sent_without_a_file_says_so_at_that_file_input(citizen, world):  # noqa: F811
    """补齐材料并提交 with an asked material left out: the page names it at its own file input, not only in the
    alert at the top of the page (on a phone, a screen and more above the form)."""
    case = _filed(world)
    services.request_supplement(
        case=case,
        by=world.clerk,
        items=[
            {"position": 1, "problem": "申请书未签字"},
            {"position": 2, "problem": "未提供营业执照复印件"},
        ],
    )
    response = citizen.post(f"/cases/mine/{case.number}/supply/", {"material_1": pdf_upload()})
    html = response.content.decode()
    assert response.status_code == 422 and "以下材料尚未补交:营业执照复印件" in html
    at_input = re.search(r'<div class="invalid-feedback d-block" id="supply-2-error">([^<]*)</div>', html)
    assert at_input and "营业执照复印件" in at_input.group(1)
    assert 'aria-describedby="supply-2-error"' in html
    assert 'id="supply-1-error"' not in html  # the one chosen is not marked
    assert case.materials.filter(position=1).count() == 1  # the file chosen was not kept: all or nothing


def test_supplement_with_one_refused_file_keeps_none_and_the_retry_stores_each_once(citizen, world):  # noqa: F811
    case = _filed(world)
    services.request_supplement(
        case=case,
        by=world.clerk,
        items=[
            {"position": 1, "problem": "申请书未签字"},
            {"position": 2, "problem": "未提供营业执照复印件"},
        ],
    )
    fake = SimpleUploadedFile("申请书.pdf", b"just text, renamed to .pdf", content_type="application/pdf")
    refused = citizen.post(f"/cases/mine/{case.number}/supply/", {"material_1": fake, "material_2": png()})
    assert refused.status_code == 422 and "文件类型不支持" in refused.content.decode()
    assert "本次选择的文件都没有保存" in refused.content.decode()  # the good one must be chosen again
    # the good file was kept while the page said the other was refused
    assert not case.materials.filter(position=2).exists()
    done = citizen.post(
        f"/cases/mine/{case.number}/supply/", {"material_1": pdf_upload(), "material_2": png()}, follow=True
    )
    assert "材料已补齐" in done.content.decode()
    assert case.materials.filter(position=2).count() == 1  # stored once, not once per attempt
    citizen.force_login(world.clerk)
    history = citizen.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "上传材料「营业执照复印件」" in history  # which material came in, not a bare 上传材料
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_notice_pdf_downloads_for_the_applicant_only(citizen, client, world):  # noqa: F811
    case = _filed(world)
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    notice = case.notices.get()
    response = citizen.get(f"/cases/mine/{case.number}/notices/{notice.pk}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    citizen.logout()
    other = services.register_applicant(
        kind="natural",
        name="王五",
        id_number=resident_id("19700101", "555"),
        phone="13700000000",
        password="x-Y-z-12345",
    )
    client.force_login(other.user)
    assert client.get(f"/cases/mine/{case.number}/notices/{notice.pk}.pdf").status_code == 404
    assert client.get(f"/cases/mine/{case.number}/").status_code == 404


def test_withdraw_with_a_stale_page_is_told_clearly(citizen, world):  # noqa: F811
    case = _filed(world)
    stale = case.revision
    services.request_supplement(case=case, by=world.clerk, items=[{"position": 2, "problem": "缺"}])
    response = citizen.post(f"/cases/mine/{case.number}/withdraw/", {"revision": stale, "reason": "不开了"})
    html = response.content.decode()
    assert response.status_code == 409 and "已被他人更新" in html and "不开了" in html
    case.refresh_from_db()
    ok = citizen.post(f"/cases/mine/{case.number}/withdraw/", {"revision": case.revision, "reason": "不开了"})
    case.refresh_from_db()
    assert ok.status_code == 302 and case.status == Status.WITHDRAWN


def test_lookup_by_number_and_query_code_masks_the_name(client, world):  # noqa: F811
    case = _filed(world)
    wrong = client.get("/cases/lookup/", {"number": case.number, "query_code": "ZZZZZZ"})
    assert "办件编号或查询码不正确" in wrong.content.decode()
    html = client.get(
        "/cases/lookup/", {"number": case.number, "query_code": case.query_code.lower()}
    ).content.decode()
    assert "已收件" in html and "张*" in html and "张三" not in html
    assert "上传材料" not in html  # internal steps stay internal


def test_due_calculator_matches_the_command(client, world):  # noqa: F811
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "cases",
        "due",
        "--accepted",
        "2026-09-28",
        "--limit",
        "20",
        "--suspended",
        "2026-10-09:2026-10-16",
        stdout=out,
    )
    first, *lines = out.getvalue().splitlines()
    html = client.get(
        "/cases/due/", {"accepted": "2026-09-28", "limit": "20", "suspensions": "2026-10-09:2026-10-16"}
    ).content.decode()
    due = re.search(r'id="due-date">\s*(\S+?)[\s<]', html).group(1)
    assert first.split()[0] == "2026-11-09" and due == "2026年11月9日"  # the page writes the day as people do
    for line in lines:
        assert line in html.replace("&quot;", '"').replace("&#x27;", "'")
    bad = client.get("/cases/due/", {"accepted": "2026-09-28", "limit": "20", "suspensions": "2026-10-09"})
    assert "应写作 开始日期:恢复日期" in bad.content.decode()


def test_due_calculator_says_in_chinese_how_to_write_a_suspension(client, world):  # noqa: F811
    """A suspension written wrongly: the hint at the field gives a day as the calculator reads it (2026-10-09:
    2026-10-16), not the pattern YYYY-MM-DD:YYYY-MM-DD."""
    for typed in ("2026-10-09", "2026年10月9日:2026年10月16日"):
        html = client.get(
            "/cases/due/", {"accepted": "2026-09-28", "limit": "20", "suspensions": typed}
        ).content.decode()
        assert "中止期间「" in html and "例如 2026-" in html, typed
        assert "YYYY" not in html, typed


def test_due_calculator_marks_a_provisional_date(client, world):  # noqa: F811
    html = client.get("/cases/due/", {"accepted": "2031-12-20", "limit": "20"}).content.decode()
    assert 'id="due-provisional"' in html


def test_portal_nav_lights_up_case_lookup(client, world):  # noqa: F811
    html = client.get("/cases/lookup/").content.decode()
    assert 'href="/cases/lookup/" aria-current="page"' in html


def test_public_lookup_is_rate_limited(client, world, one_rate_window):  # noqa: F811
    for _ in range(35):
        response = client.get("/cases/lookup/", {"number": "360681-2026-000999", "query_code": "ABCDEF"})
    assert "提交过于频繁,请稍后再试" in response.content.decode()


def test_a_draft_or_key_the_page_did_not_write_is_none(citizen, world):  # noqa: F811
    """?draft=² passed isdigit() and broke int() (a 500); an idempotency key longer than a case stores (80) was
    written as it came. Now: no draft, and a fresh key."""
    assert citizen.get(f"/cases/apply/{world.item.code}/?draft=²").status_code == 200
    post = {
        "form.subject": "开一家小面馆",
        "idempotency_key": "k" * 200,
        "action": "submit",
        "material_1": pdf_upload(),
    }
    assert citizen.post(f"/cases/apply/{world.item.code}/", post).status_code == 302
    case = Case.objects.exclude(status=Status.DRAFT).get(applicant=world.citizen)
    assert 0 < len(case.idempotency_key) <= 80


def test_the_sign_in_and_register_pages_open_without_a_next(client, world):  # noqa: F811
    """next_url(request, "") resolved "" as a route name: both pages answered 500 when no next was given."""
    assert client.get("/cases/signin/").status_code == 200
    assert client.get("/cases/register/").status_code == 200
    page = client.get("/cases/signin/?next=/cases/mine/").content.decode()
    assert 'name="next" value="/cases/mine/"' in page


def test_the_withdrawal_reason_is_optional_said_so_and_recorded_when_given(citizen, world):  # noqa: F811
    case = _filed(world)
    case.refresh_from_db()
    page = citizen.get(f"/cases/mine/{case.number}/").content.decode()
    assert "撤回理由(选填)" in page and "撤回申请无须说明理由" in page
    too_long = citizen.post(
        f"/cases/mine/{case.number}/withdraw/", {"revision": case.revision, "reason": "不" * 501}
    )
    assert "「撤回理由」最长 500 个字,现有 501 个字" in too_long.content.decode()
    case.refresh_from_db()
    assert case.status != Status.WITHDRAWN
    citizen.post(
        f"/cases/mine/{case.number}/withdraw/", {"revision": case.revision, "reason": "店面另有他用"}
    )
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN and case.events.get(action="withdraw").note == "店面另有他用"


def test_a_withdrawal_with_a_forged_revision_is_refused_not_taken_as_none(citizen, world):  # noqa: F811
    case = _filed(world)
    response = citizen.post(f"/cases/mine/{case.number}/withdraw/", {"revision": "abc", "reason": "不开了"})
    assert response.status_code == 422 and "页面版本号无效,请刷新页面后重试" in response.content.decode()
    case.refresh_from_db()
    assert case.status != Status.WITHDRAWN
