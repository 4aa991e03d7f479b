"""Workbench case pages: queues with counts scoped by access, the case page with everything on one screen, every
action through the page (with the stale-page Conflict keeping what was typed), counter registration, the outbox;
and the selectors the pages added."""

import re

import pytest

from tests.cases.conftest import accepted, at, pdf_upload, publish, resident_id, submitted, world  # noqa: F401
from tests.factories import paper_checklist
from zhengwu.cases import selectors, services
from zhengwu.cases.models import Case, OutboxMessage, Status
from zhengwu.core import clock
from zhengwu.core.models import AuditRecord


@pytest.fixture
def as_user(client):
    def sign(user):
        client.force_login(user)
        return client

    return sign


def test_queues_show_counts_scoped_by_access(as_user, world, submitted):  # noqa: F811
    html = as_user(world.clerk).get("/workbench/cases/").content.decode()
    assert 'data-count="to_accept">1<' in html and submitted.number in html
    assert "张*" not in html and "贵溪市好味道餐饮有限公司" in html  # a company's name is not personal data
    outsider = as_user(world.outsider).get("/workbench/cases/").content.decode()
    assert 'data-count="to_accept">0<' in outsider and submitted.number not in outsider
    assert as_user(world.outsider).get(f"/workbench/cases/{submitted.number}/").status_code == 404


def test_queue_counts_selector_matches_each_queue(world, accepted):  # noqa: F811
    counts = selectors.queue_counts(world.approver)
    assert counts["to_handle"] == 1 and counts["to_accept"] == 0
    assert counts == {q: selectors.queue(world.approver, q).count() for q in selectors.QUEUES}


def test_case_page_has_everything_on_one_screen(as_user, world, accepted):  # noqa: F811
    html = as_user(world.approver).get(f"/workbench/cases/{accepted.number}/").content.decode()
    for text in ("办件", "办理中", "受理通知书", "审查", "决定", "承诺办结期限", "法定办结期限", "期限如何算出",
                 "食品经营许可申请书", "办理经过", "核验页"):  # fmt: skip
        assert text in html, text
    assert f'name="revision" value="{accepted.revision}"' in html
    assert "认领" in html and "完成本环节" in html and 'accesskey="c"' in html
    assert "data-confirm=" in html


def test_the_accept_step_names_the_clerk_who_accepted(as_user, world, accepted):  # noqa: F811
    """After acceptance the 受理 step is done and its 承办人 is who accepted (王窗口), not "—"; the stored copy says
    so too, as a replay of the events gives it."""
    html = as_user(world.approver).get(f"/workbench/cases/{accepted.number}/").content.decode()
    table = html[html.index('id="steps"') : html.index("</table>", html.index('id="steps"'))]
    first = re.search(r"<tr[^>]*><td>1</td>(.*?)</tr>", table, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", first, re.S)
    assert "受理" in cells[0] and cells[3].strip() == "王窗口", cells
    step = accepted.steps.get(position=1)
    assert step.assignee_id == world.clerk.pk
    assert selectors.derived(accepted).steps[0].assignee == world.clerk.pk


def test_a_deemed_acceptance_says_so_as_the_accept_steps_holder(as_user, world, submitted):  # noqa: F811
    """Deemed accepted by law (视为受理, no person accepted): the 受理 step's 承办人 says 依法视为受理, not — ."""
    clock.set_now(at("2026-10-13"))  # the five working days for the intake decision are over
    services.deem_accepted()
    html = as_user(world.approver).get(f"/workbench/cases/{submitted.number}/").content.decode()
    table = html[html.index('id="steps"') : html.index("</table>", html.index('id="steps"'))]
    first = re.search(r"<tr[^>]*><td>1</td>(.*?)</tr>", table, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", first, re.S)[3].strip() == "依法视为受理"


def test_the_materials_table_stacks_into_cards_on_a_phone(as_user, world, accepted):  # noqa: F811
    """At 390 px the 文件 column of the materials table was about 108 px wide, a file name a few characters a line.
    The table is now the guide's zw-stack: on a phone each material a card, its files labelled 文件 at full width
    (the width measured in the browser test of the case flow)."""
    html = as_user(world.clerk).get(f"/workbench/cases/{accepted.number}/").content.decode()
    table = html[html.index('id="materials"') - 80 : html.index("</table>", html.index('id="materials"'))]
    assert "zw-stack" in table[: table.index('id="materials"')]
    assert table.count('<td data-label="文件">') == table.count("<tr") - 1  # every material's files, labelled
    assert '<span class="zw-stack-only fw-semibold">1. </span>' in table


def test_natural_person_is_masked_and_reveal_is_audited(as_user, world):  # noqa: F811
    case = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.clerk, channel="counter", window=world.dedicated,
        form={"subject": "开店"},
    )  # fmt: skip
    client = as_user(world.clerk)
    html = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "张*" in html and world.citizen.id_number not in html and "138****8000" in html
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()
    assert (
        client.get(f"/workbench/cases/{case.number}/?reveal=applicant").content.decode().count("13800138000")
        == 0
    )
    full = client.post(
        f"/workbench/cases/{case.number}/personal/", {"reason": "核对申请人身份"}
    ).content.decode()
    assert world.citizen.id_number in full and "13800138000" in full
    assert AuditRecord.objects.filter(action="personal_data.view", actor=world.clerk).count() == 1


def test_supplement_names_every_material_with_its_problem(as_user, world, submitted):  # noqa: F811
    client = as_user(world.clerk)
    html = client.get(f"/workbench/cases/{submitted.number}/").content.decode()
    assert 'id="sup-1" checked' in html and 'id="sup-2" checked' in html  # missing ones pre-ticked
    response = client.post(
        f"/workbench/cases/{submitted.number}/act/supplement/",
        {
            "revision": submitted.revision,
            "sup_position": ["1", "2"],
            "sup_problem_1": "申请书未签字",
            "sup_problem_2": "复印件不清晰",
            "sup_other_name": "",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "已发出补正材料通知书" in html and "待补正" in html
    request = submitted.supplements.get()
    assert [i["problem"] for i in request.items] == ["申请书未签字", "复印件不清晰"]


def test_a_problem_left_blank_is_shown_and_the_ticks_kept(as_user, world, submitted):  # noqa: F811
    response = as_user(world.clerk).post(
        f"/workbench/cases/{submitted.number}/act/supplement/",
        {"revision": submitted.revision, "sup_position": ["2"], "sup_problem_2": ""},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "存在的问题" in html and "操作未完成" in html
    assert 'id="sup-2" checked' in html and 'id="sup-1" checked' not in html


def test_a_supplement_with_nothing_ticked_is_refused_at_the_list(as_user, world, submitted):  # noqa: F811
    """发出补正通知 with every box unticked (the page pre-fills 未提供该材料 for each missing one): the refusal was shown
    only at the top of the page, far from the list, and its 您填写的内容 named the pre-filled problems of materials the
    clerk had unticked, as if they had been asked for."""
    response = as_user(world.clerk).post(
        f"/workbench/cases/{submitted.number}/act/supplement/",
        {"revision": submitted.revision, "sup_problem_1": "未提供该材料", "sup_problem_2": "未提供该材料"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    at_list = re.search(r'<div class="invalid-feedback d-block" id="sup-items-error">([^<]*)</div>', html)
    assert at_list and at_list.group(1) == "请一次性列出需要补正的全部材料及其问题"
    assert 'aria-describedby="sup-items-error"' in html
    assert "第 1 项材料存在的问题" not in html and "第 2 项材料存在的问题" not in html
    assert not submitted.supplements.exists()


def test_stale_page_gets_a_clear_conflict_and_keeps_the_opinion(as_user, world, accepted):  # noqa: F811
    services.claim_step(case=accepted, by=world.approver)
    stale = accepted.revision - 1
    response = as_user(world.approver).post(
        f"/workbench/cases/{accepted.number}/act/complete_step/",
        {"revision": stale, "opinion": "经审查,材料齐全,符合条件。"},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "该办件已被他人更新" in html and "经审查,材料齐全,符合条件。" in html
    assert f'name="revision" value="{accepted.revision}"' in html  # the page is fresh: sending again works
    ok = as_user(world.approver).post(
        f"/workbench/cases/{accepted.number}/act/complete_step/",
        {"revision": accepted.revision, "opinion": "经审查,材料齐全,符合条件。"},
    )
    assert ok.status_code == 302
    assert accepted.steps.get(position=2).opinion == "经审查,材料齐全,符合条件。"


def test_two_clerks_at_once_one_wins_the_other_is_told(as_user, world, submitted):  # noqa: F811
    revision = submitted.revision
    first = as_user(world.clerk).post(
        f"/workbench/cases/{submitted.number}/act/accept/",
        {"revision": revision, "paper": [str(p) for p in paper_checklist(submitted)]},
    )
    second = as_user(world.general_clerk).post(
        f"/workbench/cases/{submitted.number}/act/refuse/", {"revision": revision, "reason": "不符合条件"}
    )
    assert first.status_code == 302 and second.status_code == 409
    html = second.content.decode()
    assert "已被他人更新" in html and "不符合条件" in html
    submitted.refresh_from_db()
    assert submitted.status == Status.ACCEPTED


def test_whole_handling_through_the_pages(as_user, world, accepted):  # noqa: F811
    number = accepted.number
    approver = as_user(world.approver)

    def post(client, action, **data):
        case = Case.objects.get(number=number)
        response = client.post(
            f"/workbench/cases/{number}/act/{action}/", {"revision": case.revision, **data}
        )
        assert response.status_code == 302, response.content.decode()[:2000]

    post(approver, "claim")
    post(approver, "suspend", kind="expert_review", reason="组织专家评审", expected_days="3")
    assert Case.objects.get(number=number).status == Status.SUSPENDED
    post(approver, "resume", note="评审结束")
    post(approver, "extension", days="5", reason="现场核查需要时间")
    head = as_user(world.head)
    html = head.get("/workbench/cases/").content.decode()
    assert "待审批的延期申请" in html
    row = Case.objects.get(number=number).extensions.get()
    response = head.post(
        f"/workbench/cases/{number}/act/decide_extension/", {"extension": row.pk, "approve": "yes"}
    )
    assert response.status_code == 302
    assert Case.objects.get(number=number).extension_days == 5
    approver = as_user(world.approver)
    post(approver, "complete_step", opinion="审查通过")
    head = as_user(world.head)
    post(head, "decide", grant="grant", reasons="符合法定条件", result_name="食品经营许可证")
    clerk = as_user(world.clerk)
    post(clerk, "deliver", method="window")
    post(clerk, "complete")
    case = Case.objects.get(number=number)
    assert case.status == Status.COMPLETED and case.decision == "grant"
    html = clerk.get(f"/workbench/cases/{number}/").content.decode()
    assert "准予行政许可决定书" in html and "已办结" in html
    notice = case.notices.get(kind="grant")
    pdf = clerk.get(f"/workbench/cases/{number}/notices/{notice.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_refuse_needs_a_reason_shown_on_the_page(as_user, world, submitted):  # noqa: F811
    response = as_user(world.clerk).post(
        f"/workbench/cases/{submitted.number}/act/refuse/", {"revision": submitted.revision, "reason": ""}
    )
    assert response.status_code == 422 and "请填写不予受理的理由" in response.content.decode()


def test_a_clerk_cannot_decide(as_user, world, accepted):  # noqa: F811
    html = as_user(world.clerk).get(f"/workbench/cases/{accepted.number}/").content.decode()
    assert 'id="decide-grant"' not in html
    response = as_user(world.clerk).post(
        f"/workbench/cases/{accepted.number}/act/decide/", {"revision": accepted.revision, "grant": "grant"}
    )
    assert response.status_code in (403, 409)


def test_counter_registration_for_a_walk_in_applicant(as_user, world):  # noqa: F811
    client = as_user(world.clerk)
    page = client.get(f"/workbench/cases/counter/{world.item.code}/").content.decode()
    assert "代办人" in page and "申请事项说明 *" in page
    data = {
        "idempotency_key": "walk-in-1",
        "who-kind": "natural",
        "who-name": "赵六",
        "who-id_number": resident_id("19660606", "666"),
        "who-phone": "13600000000",
        "who-agent_name": "赵小六",
        "who-agent_id_number": resident_id("19900606", "777"),
        "form.subject": "代父亲申请",
        "material_1": pdf_upload(),
    }
    response = client.post(f"/workbench/cases/counter/{world.item.code}/", data)
    assert response.status_code == 302
    case = Case.objects.get(idempotency_key="walk-in-1")
    assert case.channel == "counter" and case.window == world.dedicated and case.agent_name == "赵小六"
    assert case.applicant.user is None and case.materials.count() == 1
    again = client.post(f"/workbench/cases/counter/{world.item.code}/", {**data, "material_1": pdf_upload()})
    assert again["Location"] == f"/workbench/cases/{case.number}/"
    assert Case.objects.filter(applicant__name="赵六").count() == 1


def test_counter_bad_id_number_shown_at_the_field(as_user, world):  # noqa: F811
    response = as_user(world.clerk).post(
        f"/workbench/cases/counter/{world.item.code}/",
        {"idempotency_key": "walk-in-2", "who-kind": "natural", "who-name": "赵六", "who-id_number": "123",
         "form.subject": "x"},
    )  # fmt: skip
    html = response.content.decode()
    assert (
        response.status_code == 422 and "居民身份证号码无效" in html and 'id="id_who-id_number_error"' in html
    )
    assert "赵六" in html  # what was typed stays


def test_counter_names_a_bad_applicant_and_a_blank_required_field_in_one_answer(as_user, world):  # noqa: F811
    """窗口收件 with the ID number wrong and 申请事项说明 left blank: both are named at their fields at once — the
    required field was named only once the applicant's part was right, sending the clerk back a second time."""
    response = as_user(world.clerk).post(
        f"/workbench/cases/counter/{world.item.code}/",
        {"idempotency_key": "walk-in-3", "who-kind": "natural", "who-name": "赵六", "who-id_number": "123"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "居民身份证号码无效" in html and 'id="id_who-id_number_error"' in html
    assert "请填写「申请事项说明」" in html and 'id="id_form.subject_error"' in html
    assert not Case.objects.filter(idempotency_key="walk-in-3").exists()


def test_counter_pick_finds_items(as_user, world):  # noqa: F811
    html = as_user(world.clerk).get("/workbench/cases/counter/", {"q": "食品经营"}).content.decode()
    assert f"/workbench/cases/counter/{world.item.code}/" in html


def test_instant_item_done_on_the_spot(as_user, world):  # noqa: F811
    case = services.submit_case(
        item=world.instant_item, applicant=world.company, by=world.clerk, channel="counter", window=world.dedicated,
        form={"subject": "名称变更"},
    )  # fmt: skip
    client = as_user(world.clerk)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "当场办结" in page and "纸质材料收件清单" in page
    # nothing ticked on the paper checklist: no grant without the materials (行政许可法 第三十二条第一款第(四)项)
    page = client.post(f"/workbench/cases/{case.number}/act/instant/", {"method": "window"}, follow=True)
    assert "必需材料尚未提供" in page.content.decode()
    case.refresh_from_db()
    assert case.status != Status.COMPLETED
    response = client.post(
        f"/workbench/cases/{case.number}/act/instant/", {"method": "window", "paper": paper_checklist(case)}
    )  # the form's checklist as ticked
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.COMPLETED


def test_outbox_shows_sent_and_failed(as_user, world, submitted):  # noqa: F811
    assert OutboxMessage.objects.filter(case=submitted).exists()
    message = OutboxMessage.objects.filter(case=submitted).first()
    message.state, message.attempts, message.last_error = "failed", 5, "短信网关超时"
    message.save()
    html = as_user(world.clerk).get("/workbench/cases/outbox/").content.decode()
    assert "短信网关超时" in html and 'id="failed-count">1<' in html and submitted.number in html
    assert submitted.number not in as_user(world.outsider).get("/workbench/cases/outbox/").content.decode()


def test_material_download_is_scoped(as_user, world, submitted):  # noqa: F811
    row = services.upload_material(case=submitted, by=world.clerk, position=1, upload=pdf_upload())
    ok = as_user(world.clerk).get(f"/workbench/cases/{submitted.number}/materials/{row.pk}/")
    assert ok.status_code == 200 and b"".join(ok.streaming_content).startswith(b"%PDF")
    # Served as a download the browser never renders nor sniffs (issue 14.6).
    assert ok["Content-Disposition"].startswith("attachment") and ok["X-Content-Type-Options"] == "nosniff"
    assert (
        as_user(world.outsider).get(f"/workbench/cases/{submitted.number}/materials/{row.pk}/").status_code
        == 404
    )


def test_material_checklist_and_open_supplement(world, submitted):  # noqa: F811
    services.upload_material(case=submitted, by=world.clerk, position=1, upload=pdf_upload())
    rows = selectors.material_checklist(submitted)
    assert [(r["position"], r["missing"], len(r["files"])) for r in rows] == [
        (1, False, 1),
        (2, True, 0),
        (3, False, 0),
    ]
    assert selectors.open_supplement(submitted) is None
    services.request_supplement(case=submitted, by=world.clerk, items=[{"position": 2, "problem": "缺"}])
    assert selectors.open_supplement(submitted).round == 1


def test_case_by_key_and_assignable(world, accepted):  # noqa: F811
    assert selectors.case_by_key(world.citizen_user, "") is None
    case = services.submit_case(
        item=world.item,
        applicant=world.citizen,
        by=world.citizen_user,
        form={"subject": "x"},
        idempotency_key="kk",
    )
    assert selectors.case_by_key(world.citizen_user, "kk") == case
    assert selectors.case_by_key(world.outsider, "kk") is None
    services.complete_step(case=accepted, by=world.approver, opinion="通过") if False else None
    names = {s.name for s in selectors.assignable_for_step(world.head, accepted)}
    assert names == {"赵审查", "钱审查"}


def test_workbench_requires_staff(client, world):  # noqa: F811
    assert client.get("/workbench/cases/")["Location"].startswith("/accounts/login/")
    client.force_login(world.citizen_user)
    assert client.get("/workbench/cases/").status_code == 403


def test_nav_lights_up_cases(as_user, world):  # noqa: F811
    html = as_user(world.clerk).get("/workbench/cases/").content.decode()
    assert 'href="/workbench/cases/" aria-current="page"' in html
    assert clock.now() == at("2026-09-28", 9)


# ---- fees charged (登记收费)


def _fee_case(world):  # noqa: F811
    import copy

    from tests.cases.conftest import ITEM

    spec = {
        **copy.deepcopy(ITEM),
        "name": "食品经营许可(收费)",
        "fees": [
            {"name": "工本费", "standard": "每证 10 元", "amount": "10.00", "basis": "赣发改收费〔2020〕1号"},
            {"name": "检验费", "standard": "按实际检验项目收取", "amount": None, "basis": "《食品安全法》"},
        ],
    }
    case = services.submit_case(
        item=publish(spec, world.bureau), applicant=world.company, by=world.clerk, channel="counter",
        window=world.dedicated, form={"subject": "x"},
    )  # fmt: skip
    return services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)


def test_charge_fee_from_the_case_page(as_user, world):  # noqa: F811
    from zhengwu.supervision.models import Alert

    case = _fee_case(world)
    client = as_user(world.clerk)
    html = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "登记收费" in html and "每证 10 元" in html
    # nothing ticked before the clerk chooses (an item's fees may be alternatives); a standard is prefilled
    assert 'id="fee-0" checked' not in html and 'name="fee_amount_0" value="10.00"' in html
    assert 'id="fee-1" checked' not in html and 'name="fee_amount_1" value=""' in html
    url = f"/workbench/cases/{case.number}/act/charge_fee/"
    done = client.post(
        url,
        {"revision": case.revision, "fee": ["0"], "fee_name_0": "工本费", "fee_amount_0": "10.00"},
        follow=True,
    )
    html = done.content.decode()
    assert done.status_code == 200 and "已登记收费" in html and 'id="fees-charged"' in html
    assert case.events.filter(action="charge_fee").count() == 1
    assert not Alert.objects.filter(case=case, code="case.fee.differs_from_standard").exists()

    # the same fee again (a form sent twice, a page reloaded) is refused at its row: it appended a second charge
    case.refresh_from_db()
    again = client.post(
        url, {"revision": case.revision, "fee": ["0"], "fee_name_0": "工本费", "fee_amount_0": "10.00"}
    )
    assert "「工本费」已于" in again.content.decode() and "同一收费项目只登记一次" in again.content.decode()
    assert case.events.filter(action="charge_fee").count() == 1

    other = _fee_case(world)
    higher = client.post(
        f"/workbench/cases/{other.number}/act/charge_fee/",
        {"revision": other.revision, "fee": ["0"], "fee_name_0": "工本费", "fee_amount_0": "30"},
        follow=True,
    )
    assert "目录标准 10.00" in higher.content.decode()
    assert Alert.objects.filter(case=other, code="case.fee.differs_from_standard").count() == 1


def test_charge_fee_refusal_is_shown_at_the_field_and_keeps_what_was_typed(as_user, world):  # noqa: F811
    case = _fee_case(world)
    client = as_user(world.clerk)
    url = f"/workbench/cases/{case.number}/act/charge_fee/"
    response = client.post(
        url,
        {"revision": case.revision, "fee": ["0", "1"], "fee_name_0": "工本费", "fee_amount_0": "10.00",
         "fee_name_1": "检验费", "fee_amount_1": "12.345"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 422 and "最多保留两位小数" in html
    assert 'id="fee-amount-1" name="fee_amount_1" value="12.345" aria-invalid="true"' in html
    assert 'id="fee-error-1"' in html and '<details open id="charge-fee">' in html
    forged = client.post(
        url, {"revision": case.revision, "fee": ["0"], "fee_name_0": "加急费", "fee_amount_0": "100"}
    )
    assert forged.status_code == 422 and "「加急费」不在本事项的收费目录中" in forged.content.decode()
    assert not case.events.filter(action="charge_fee").exists()


# ---- bad input on the case page's actions: a message at the field, nothing written, never a 500


@pytest.mark.parametrize(
    ("action", "post", "says"),
    [
        ("accept", {"paper": ["²"]}, "「纸质材料」应为材料序号"),  # ² passed isdigit(), broke int(): a 500
        ("supplement", {"sup_position": ["²"], "sup_problem_²": "不清晰"}, "「需补正的材料」应为材料序号"),
        (
            "supplement",
            {"sup_position": ["1x"]},
            "「需补正的材料」应为材料序号",
        ),  # was dropped without a word
    ],
)
def test_a_ticked_material_that_is_not_a_position_is_refused(as_user, world, submitted, action, post, says):  # noqa: F811
    response = as_user(world.clerk).post(
        f"/workbench/cases/{submitted.number}/act/{action}/", {"revision": submitted.revision, **post}
    )
    assert response.status_code == 422 and says in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.RECEIVED and not submitted.supplements.exists()


def test_a_revision_that_is_not_a_number_is_refused_not_a_500(as_user, world, accepted):  # noqa: F811
    """revision=² passed isdigit() and broke int(): every action answered 500. Then it was taken as none, which
    skipped the stale-page check; now the page is asked to be reloaded."""
    response = as_user(world.approver).post(
        f"/workbench/cases/{accepted.number}/act/claim/", {"revision": "²"}
    )
    assert response.status_code == 422 and "页面版本号无效,请刷新页面后重试" in response.content.decode()
    assert accepted.steps.get(position=2).assignee is None


@pytest.mark.parametrize("days", ["", "abc", "5.5", "²"])
def test_extension_days_that_are_not_a_whole_number_are_named(as_user, world, accepted, days):  # noqa: F811
    services.claim_step(case=accepted, by=world.approver)
    accepted.refresh_from_db()
    response = as_user(world.approver).post(
        f"/workbench/cases/{accepted.number}/act/extension/",
        {"revision": accepted.revision, "days": days, "reason": "需要现场核查"},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "请填写延期天数(整数)" in html and "需要现场核查" in html
    assert not accepted.extensions.exists()


@pytest.mark.parametrize("amount", ["abc", "", "NaN", "１０元"])
def test_a_fee_amount_that_is_not_a_number_is_refused_at_its_row(as_user, world, amount):  # noqa: F811
    case = _fee_case(world)
    response = as_user(world.clerk).post(
        f"/workbench/cases/{case.number}/act/charge_fee/",
        {"revision": case.revision, "fee": ["0", "1"], "fee_name_0": "工本费", "fee_amount_0": "10.00",
         "fee_name_1": "检验费", "fee_amount_1": amount},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 422 and "「检验费」的收费金额应为大于 0 的金额(元)" in html
    assert f'id="fee-amount-1" name="fee_amount_1" value="{amount}" aria-invalid="true"' in html
    assert 'id="fee-error-1"' in html and 'id="fee-error-0"' not in html
    assert not case.events.filter(action="charge_fee").exists()


def test_a_fee_row_that_is_not_in_the_list_is_refused(as_user, world):  # noqa: F811
    """fee=abc was dropped without a word (then: 请至少填写一项收费)."""
    case = _fee_case(world)
    response = as_user(world.clerk).post(
        f"/workbench/cases/{case.number}/act/charge_fee/",
        {"revision": case.revision, "fee": ["abc"], "fee_name_abc": "工本费", "fee_amount_abc": "10"},
    )
    assert response.status_code == 422 and "请勾选收费目录中的项目" in response.content.decode()
    assert not case.events.filter(action="charge_fee").exists()


def test_an_upload_without_a_file_or_position_is_named(as_user, world, submitted):  # noqa: F811
    client = as_user(world.clerk)
    url = f"/workbench/cases/{submitted.number}/act/upload/"
    no_file = client.post(url, {"revision": submitted.revision, "position": "1"})
    assert no_file.status_code == 422 and "请选择要上传的文件" in no_file.content.decode()
    no_position = client.post(
        url, {"revision": submitted.revision, "position": "第一项", "file": pdf_upload()}
    )
    assert no_position.status_code == 422 and "请填写材料(整数)" in no_position.content.decode()


def test_a_counter_key_longer_than_a_case_stores_is_replaced(as_user, world):  # noqa: F811
    """The idempotency key is the page's (32 characters); one longer than Case.idempotency_key (80) was written
    as it came (PostgreSQL refuses it: a 500)."""
    data = {
        "idempotency_key": "k" * 200,
        "who-kind": "natural",
        "who-name": "赵六",
        "who-id_number": resident_id("19660606", "666"),
        "form.subject": "申请",
        "material_1": pdf_upload(),
    }
    response = as_user(world.clerk).post(f"/workbench/cases/counter/{world.item.code}/", data)
    assert response.status_code == 302
    assert 0 < len(Case.objects.get(applicant__name="赵六").idempotency_key) <= 80


def test_a_clerk_records_a_withdrawal_with_or_without_the_optional_reason(as_user, world, submitted):  # noqa: F811
    client = as_user(world.clerk)
    page = client.get(f"/workbench/cases/{submitted.number}/").content.decode()
    assert "撤回理由(选填)" in page and "撤回申请无须说明理由" in page
    client.post(f"/workbench/cases/{submitted.number}/act/withdraw/", {"revision": submitted.revision})
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN and submitted.events.get(action="withdraw").note == ""


def test_a_supplement_problem_too_long_is_named_with_its_limit(as_user, world, submitted):  # noqa: F811
    client = as_user(world.clerk)
    page = client.post(
        f"/workbench/cases/{submitted.number}/act/supplement/",
        {"revision": submitted.revision, "sup_other_name": "场地租赁合同", "sup_other_problem": "缺" * 501},
    ).content.decode()
    assert "「其他材料存在的问题」最长 500 个字,现有 501 个字" in page
    submitted.refresh_from_db()
    assert submitted.status == Status.RECEIVED


def test_forged_paper_or_revision_on_the_case_page_is_refused(as_user, world, submitted):  # noqa: F811
    """paper=99 was recorded as received on paper; revision=abc was read as none and skipped the stale-page check."""
    client = as_user(world.clerk)
    url = f"/workbench/cases/{submitted.number}/act/accept/"
    paper = [str(p) for p in paper_checklist(submitted)]
    forged = client.post(url, {"revision": submitted.revision, "paper": [*paper, "99"]})
    assert forged.status_code < 500 and "纸质材料收件清单中没有第 99 项材料" in forged.content.decode()
    stale = client.post(url, {"revision": "abc", "paper": paper})
    assert stale.status_code < 500 and "页面版本号无效,请刷新页面后重试" in stale.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.RECEIVED and not submitted.events.filter(action="accept").exists()
    client.post(url, {"revision": submitted.revision, "paper": paper})
    submitted.refresh_from_db()
    assert submitted.status == Status.ACCEPTED


def test_the_refused_form_is_echoed_with_each_value_under_its_label(as_user, world, submitted):  # noqa: F811
    """The echo listed bare values (场地租赁合同, 1, 未盖章 …): which field was which was left to guess."""
    client = as_user(world.clerk)
    page = client.post(
        f"/workbench/cases/{submitted.number}/act/supplement/",
        {
            "revision": submitted.revision,
            "sup_position": ["1"],
            "sup_problem_1": "未加盖公章",
            "sup_other_name": "场地租赁合同",
            "sup_other_problem": "缺" * 501,
        },
    ).content.decode()
    echo = re.search(r'<ul class="mb-0" id="typed">(.*?)</ul>', page, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", echo)
    assert "第 1 项材料存在的问题:未加盖公章" in items and "其他材料(清单外):场地租赁合同" in items
    assert all(":" in item for item in items)


def test_a_refused_decision_echoes_the_decision_in_words():
    """A second browser pass saw 「您填写的内容: 决定:grant」 after a refused grant."""
    from django.http import QueryDict

    from zhengwu.workbench.cases.forms import DecideForm, InstantForm

    for form_class in (DecideForm, InstantForm):
        for value, words in (("grant", "准予许可"), ("deny", "不予许可")):
            form = form_class(QueryDict(f"revision=3&grant={value}"))
            assert ("决定", words) in form.typed()
