import datetime as dt

import pytest

from tests.cases.conftest import at, pdf_upload, resident_id
from tests.factories import PNG_BYTES, paper_checklist
from zhengwu.cases import history, notices, selectors, services, workflow
from zhengwu.cases.models import (
    POWER_OF_ATTORNEY,
    Case,
    CaseEvent,
    CaseStep,
    ExtensionRequest,
    Notice,
    OutboxMessage,
    Status,
)
from zhengwu.core import calendar, clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.supervision.models import Alert

D = dt.date.fromisoformat


def replayed(case: Case):
    events = list(case.events.order_by("seq").values("action", "at", "data"))
    return history.derive(events, calendar.current_calendar())


def assert_copies_match_replay(case: Case) -> None:
    """Every stored copy on the case and its steps equals what a replay of its events gives."""
    case.refresh_from_db()
    state = replayed(case)
    assert {k: getattr(case, k) for k in history.CASE_FIELDS} == history.snapshot(state)
    stored = {
        s.position: {k: getattr(s, k) for k in history.STEP_FIELDS}
        for s in CaseStep.objects.filter(case=case)
    }
    derived = {p: {k: v[k] for k in history.STEP_FIELDS} for p, v in history.step_snapshots(state).items()}
    assert stored == derived


# ---- application and receipt


def test_submit_gives_a_readable_number_query_code_and_intake_due(world, submitted):
    assert submitted.number == "360681-2026-000001"
    assert len(submitted.query_code) == 6 and submitted.status == Status.RECEIVED
    # 第三十二条: five working days from 09-28 across National Day: 09-29, 09-30, 10-08, 10-09, 10-10 (Saturday).
    assert submitted.intake_due == D("2026-10-10")
    second = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "再申请一次"}
    )
    assert second.number == "360681-2026-000002"
    assert AuditRecord.objects.filter(action="cases.submit").count() == 2


def test_a_retried_submit_with_the_same_key_makes_one_case(world):
    kwargs = {
        "item": world.item,
        "applicant": world.citizen,
        "by": world.citizen_user,
        "form": {"subject": "开一家小吃店"},
        "idempotency_key": "b7f1c2d4-retry",
    }
    first = services.submit_case(**kwargs)
    again = services.submit_case(**kwargs)
    assert again.pk == first.pk and Case.objects.count() == 1
    assert CaseEvent.objects.filter(case=first, action="submit").count() == 1
    with pytest.raises(Conflict, match="幂等键"):
        services.submit_case(**{**kwargs, "by": world.clerk, "channel": "counter"})


def test_the_form_is_validated_on_the_server(world):
    with pytest.raises(ValidationFailed, match="请填写「申请事项说明」") as err:
        services.submit_case(item=world.item, applicant=world.citizen, by=world.citizen_user, form={})
    assert err.value.field == "form.subject"
    with pytest.raises(ValidationFailed, match="没有字段「colour」"):
        services.submit_case(
            item=world.item,
            applicant=world.citizen,
            by=world.citizen_user,
            form={"subject": "x", "colour": "红"},
        )
    assert not Case.objects.exists()


def test_drafts_are_saved_then_submitted(world):
    draft = services.save_draft(item=world.item, applicant=world.citizen, by=world.citizen_user, form={})
    assert draft.status == Status.DRAFT and draft.number is None
    services.upload_material(case=draft, by=world.citizen_user, position=1, upload=pdf_upload())
    case = services.submit_case(
        item=world.item,
        applicant=world.citizen,
        by=world.citizen_user,
        form={"subject": "小吃店"},
        draft=draft,
    )
    assert case.pk == draft.pk and case.status == Status.RECEIVED and case.number
    assert services.missing_materials(case) == [{"position": 2, "name": "营业执照复印件", "medium": "either"}]


def test_someone_applying_for_another_must_be_recorded_as_agent(world):
    with pytest.raises(ValidationFailed, match="代办人") as err:
        services.submit_case(
            item=world.item, applicant=world.company, by=world.citizen_user, form={"subject": "x"}
        )
    assert err.value.field == "agent"
    agent = {"name": "张三", "id_number": resident_id(), "phone": "13800138000"}
    # Online, an agent's application goes in with the power of attorney (授权委托书), uploaded to its draft.
    with pytest.raises(ValidationFailed, match="授权委托书") as err:
        services.submit_case(
            item=world.item,
            applicant=world.company,
            by=world.citizen_user,
            form={"subject": "代公司申请"},
            agent=agent,
        )
    assert err.value.field == "power_of_attorney" and err.value.code == "agent.power_of_attorney_missing"
    draft = services.save_draft(
        item=world.item, applicant=world.company, by=world.citizen_user, form={}, agent=agent
    )
    services.upload_material(
        case=draft, by=world.citizen_user, position=POWER_OF_ATTORNEY, upload=pdf_upload("委托书.pdf")
    )
    case = services.submit_case(
        item=world.item,
        applicant=world.company,
        by=world.citizen_user,
        form={"subject": "代公司申请"},
        agent=agent,
        draft=draft,
    )
    assert case.agent_name == "张三" and case.applicant == world.company
    assert selectors.case_for(world.citizen_user, case.number) == case
    assert case.materials.get(position=POWER_OF_ATTORNEY).name == "授权委托书"


def test_uploads_are_checked_by_content_not_name(world, submitted):
    with pytest.raises(ValidationFailed, match="不是 PDF、JPEG、PNG 或 OFD"):
        services.upload_material(
            case=submitted, by=world.clerk, position=1, upload=pdf_upload("伪装.pdf", b"MZ\x90\x00 not a pdf")
        )
    png = services.upload_material(
        case=submitted,
        by=world.clerk,
        position=2,
        upload=pdf_upload("执照.pdf", PNG_BYTES),
    )
    assert png.content_type == "image/png"
    with pytest.raises(ValidationFailed, match="没有第 9 项材料"):
        services.upload_material(case=submitted, by=world.clerk, position=9, upload=pdf_upload())


def test_upload_size_limit(world, submitted, settings):
    settings.ZHENGWU_CASE_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed, match="文件过大"):
        services.upload_material(
            case=submitted, by=world.clerk, position=1, upload=pdf_upload(body=b"%PDF-" + b"0" * 2000)
        )


def test_applicant_identity_is_validated_and_real_name_checked(world):
    with pytest.raises(ValidationFailed, match="居民身份证号码无效") as err:
        services.register_applicant(kind="natural", name="王五", id_number="360681199001011230")
    assert err.value.field == "id_number"
    person = services.register_applicant(
        kind="natural",
        name="王五",
        id_number=resident_id("19851212", "456"),
        phone="13700137000",
        password="Pw-12345678",
    )
    assert person.user.username == "13700137000"
    assert services.verify_real_name(applicant=person).verified_at is not None
    odd = services.register_applicant(kind="natural", name="X", id_number=resident_id("19800101", "777"))
    with pytest.raises(ValidationFailed, match="实名核验未通过"):
        services.verify_real_name(applicant=odd)


# ---- the whole lifecycle, replayed


def test_full_lifecycle_and_every_stored_date_rebuilds_from_the_events(world, submitted):
    case = services.accept_case(case=submitted, paper=paper_checklist(submitted), by=world.clerk)
    assert case.status == Status.ACCEPTED and case.accepted_on == D("2026-09-28")
    assert case.promised_due == D("2026-10-16")  # 10 working days: 09-29, 09-30, 10-08..10-10, 10-12..10-16
    assert case.legal_due == D("2026-10-30")
    steps = list(case.steps.order_by("position"))
    assert [s.state for s in steps] == ["done", "open", "pending"]  # acceptance completes the 受理 step
    assert steps[1].due_on == D("2026-10-12")  # 审查, 6 working days from 09-28
    assert_copies_match_replay(case)

    services.claim_step(case=case, by=world.approver)
    clock.set_now(at("2026-10-09"))
    services.complete_step(case=case, by=world.approver, opinion="材料齐全,现场核查符合要求")
    services.suspend_case(
        case=case, by=world.approver, kind="expert_review", reason="组织专家评审", expected_days=5
    )
    case.refresh_from_db()
    assert case.status == Status.SUSPENDED and case.legal_due is None
    assert case.remaining_days == 16  # 09-29, 09-30, 10-08, 10-09 used of 20
    assert_copies_match_replay(case)

    clock.set_now(at("2026-10-16"))
    services.resume_case(case=case, by=world.approver, note="专家评审结束")
    case.refresh_from_db()
    assert case.legal_due == D("2026-11-09")  # 6 working days (10-10, 10-12..10-16) not counted
    extension = services.request_extension(case=case, by=world.approver, days=10, reason="需补充现场核查")
    services.decide_extension(extension=extension, by=world.head, approve=True, note="同意")
    case.refresh_from_db()
    assert case.legal_due == D("2026-11-23") and case.extension_days == 10
    assert_copies_match_replay(case)

    clock.set_now(at("2026-10-20"))
    services.decide_case(
        case=case, by=world.head, grant=True, reasons="符合条件", result_name="食品经营许可证"
    )
    services.deliver_result(case=case, by=world.clerk, method="post", note="EMS 1234567890")
    services.complete_case(case=case, by=world.clerk)
    case.refresh_from_db()
    assert case.status == Status.COMPLETED and case.decision == "grant" and case.delivery == "post"
    assert_copies_match_replay(case)
    actions = list(case.events.order_by("seq").values_list("action", flat=True))
    assert workflow.replay(actions) == Status.COMPLETED
    kinds = set(case.notices.values_list("kind", flat=True))
    assert kinds == {Notice.Kind.ACCEPTANCE, Notice.Kind.GRANT}


def test_explanations_of_a_case_name_the_suspension_and_extension(world, accepted):
    clock.set_now(at("2026-10-09"))
    services.suspend_case(case=accepted, by=world.approver, kind="testing", reason="送检", expected_days=3)
    clock.set_now(at("2026-10-16"))
    services.resume_case(case=accepted, by=world.approver)
    summary = selectors.case_summary(accepted)
    kinds = [line["kind"] for line in summary["explanations"]["legal"]["explanation"]]
    assert "suspension" in kinds and "holiday" in kinds and "adjusted_workday" in kinds
    assert summary["legal_due"] == "2026-11-09"


# ---- transitions refused


@pytest.mark.parametrize(
    "action",
    ["decide", "complete", "suspend", "deliver", "claim"],
)
def test_nothing_happens_before_acceptance(world, submitted, action):
    calls = {
        "decide": lambda: services.decide_case(case=submitted, by=world.head, grant=True),
        "complete": lambda: services.complete_case(case=submitted, by=world.clerk),
        "suspend": lambda: services.suspend_case(
            case=submitted, by=world.approver, kind="hearing", reason="听证", expected_days=5
        ),
        "deliver": lambda: services.deliver_result(case=submitted, by=world.clerk, method="window"),
        "claim": lambda: services.claim_step(case=submitted, by=world.approver),
    }
    with pytest.raises(Conflict, match="办件当前状态为「已收件」") as err:
        calls[action]()
    assert err.value.code == "invalid_transition"
    submitted.refresh_from_db()
    assert submitted.status == Status.RECEIVED and submitted.events.count() == 1


def test_every_table_transition_is_checked():
    for action, (sources, _target) in workflow.TRANSITIONS.items():
        for status in ["", *Status.values]:
            if status in sources:
                workflow.next_status(status, action)
            else:
                with pytest.raises(Conflict):
                    workflow.next_status(status, action)


def test_extension_never_past_the_legal_extension(world, accepted):
    with pytest.raises(ValidationFailed, match="不得超过法定延长时限 10 个工作日") as err:
        services.request_extension(case=accepted, by=world.approver, days=11, reason="复杂")
    assert err.value.code == "extension.exceeds_legal"
    first = services.request_extension(case=accepted, by=world.approver, days=6, reason="复杂")
    services.decide_extension(extension=first, by=world.head, approve=True)
    with pytest.raises(ValidationFailed, match="最多还能延 4 个"):
        services.request_extension(case=accepted, by=world.approver, days=5, reason="更复杂")
    with pytest.raises(AccessDenied):
        second = services.request_extension(case=accepted, by=world.approver, days=4, reason="更复杂")
        services.decide_extension(extension=second, by=world.approver, approve=True)
    second = ExtensionRequest.objects.get(state="pending")
    services.decide_extension(extension=second, by=world.head, approve=False, note="理由不充分")
    accepted.refresh_from_db()
    assert accepted.extension_days == 6


def test_extension_after_the_legal_due_date_is_refused(world, accepted):
    clock.set_now(at("2026-11-02"))
    with pytest.raises(Conflict, match="已超过法定办结期限"):
        services.request_extension(case=accepted, by=world.approver, days=5, reason="来不及")


def test_steps_queue_claim_assign_and_return(world, accepted):
    assert accepted in selectors.queue(world.approver, "to_handle")
    assert accepted not in selectors.queue(world.head, "to_handle")
    services.claim_step(case=accepted, by=world.approver)
    assert accepted not in selectors.queue(world.approver2, "to_handle")
    with pytest.raises(Conflict, match="已由赵审查认领"):
        services.claim_step(case=accepted, by=world.approver2)
    with pytest.raises(AccessDenied, match="由赵审查承办"):
        services.complete_step(case=accepted, by=world.approver2, opinion="同意")
    services.assign_step(case=accepted, by=world.head, to=world.approver2)
    services.complete_step(case=accepted, by=world.approver2, opinion="同意")
    with pytest.raises(Conflict, match="「决定」是决定环节"):
        services.complete_step(case=accepted, by=world.head, opinion="同意")
    clock.set_now(at("2026-10-12"))
    services.return_step(case=accepted, by=world.head, to_position=2, reason="现场核查记录缺页")
    steps = {s.position: s for s in accepted.steps.all()}
    assert steps[2].state == "open" and steps[2].started_on == D("2026-10-12") and steps[3].state == "pending"
    assert steps[2].due_on == D("2026-10-20")
    with pytest.raises(ValidationFailed, match="受理环节"):
        services.return_step(case=accepted, by=world.approver, to_position=1, reason="x")
    assert_copies_match_replay(accepted)


def test_decision_before_the_decision_step_and_denial_without_reasons_are_refused(world, accepted):
    with pytest.raises(Conflict, match="当前环节为「审查」,决定须在决定环节「决定」作出") as err:
        services.decide_case(case=accepted, by=world.head, grant=True)
    assert err.value.code == "decision.not_at_decision_step"
    services.complete_step(case=accepted, by=world.approver, opinion="同意")
    with pytest.raises(ValidationFailed, match="不予许可的理由"):
        services.decide_case(case=accepted, by=world.head, grant=False)
    services.decide_case(case=accepted, by=world.head, grant=False, reasons="经营场所不符合卫生要求")
    assert set(accepted.notices.values_list("kind", flat=True)) == {
        Notice.Kind.ACCEPTANCE,
        Notice.Kind.DENIAL,
    }


def test_staff_outside_the_organisation_cannot_act(world, submitted):
    with pytest.raises(AccessDenied):
        services.accept_case(case=submitted, paper=paper_checklist(submitted), by=world.outsider)
    with pytest.raises(AccessDenied):
        services.accept_case(case=submitted, paper=paper_checklist(submitted), by=world.citizen_user)


def test_withdrawal_by_the_applicant_and_termination(world):
    case = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "x"}
    )
    services.withdraw_case(case=case, by=world.citizen_user, reason="不开店了")
    assert case.status == Status.WITHDRAWN
    with pytest.raises(Conflict):
        services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    other = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "y"}
    )
    services.accept_case(case=other, paper=paper_checklist(other), by=world.clerk)
    with pytest.raises(ValidationFailed, match="终止理由"):
        services.terminate_case(case=other, by=world.head, reason="")
    services.terminate_case(case=other, by=world.head, reason="申请人营业执照被吊销")
    assert other.status == Status.TERMINATED


# ---- supplement: one-time notice


def test_supplement_request_then_supply_restarts_the_intake_clock(world, submitted):
    request = services.request_supplement(
        case=submitted,
        by=world.clerk,
        items=[{"position": 1, "problem": "未加盖公章"}, {"position": 2, "problem": "复印件不清晰"}],
    )
    assert request.round == 1 and submitted.status == Status.SUPPLEMENT_REQUESTED
    notice = submitted.notices.get(kind=Notice.Kind.SUPPLEMENT)
    assert [i["name"] for i in notice.essentials["items"]] == ["食品经营许可申请书", "营业执照复印件"]
    clock.set_now(at("2026-10-12"))
    services.upload_material(case=submitted, by=world.clerk, position=1, upload=pdf_upload())
    with pytest.raises(ValidationFailed, match="营业执照复印件"):
        services.supply_supplement(case=submitted, by=world.clerk)
    services.supply_supplement(case=submitted, by=world.clerk, paper=[2])
    submitted.refresh_from_db()
    assert submitted.status == Status.RECEIVED and submitted.intake_start == D("2026-10-12")
    assert submitted.intake_due == D("2026-10-19")  # 10-13..10-16, 10-19
    assert_copies_match_replay(submitted)


def test_second_request_naming_new_materials_needs_a_reason_and_raises_an_alert(world, submitted):
    services.request_supplement(case=submitted, by=world.clerk, items=[{"position": 1, "problem": "未签字"}])
    services.upload_material(case=submitted, by=world.clerk, position=1, upload=pdf_upload())
    services.supply_supplement(case=submitted, by=world.clerk)
    # Naming again only what the first named: no reason needed, no alert.
    services.request_supplement(
        case=submitted, by=world.clerk, items=[{"position": 1, "problem": "签字仍不完整"}]
    )
    services.upload_material(case=submitted, by=world.clerk, position=1, upload=pdf_upload())
    services.supply_supplement(case=submitted, by=world.clerk)
    assert not Alert.objects.filter(code="case.supplement.repeated_new_materials").exists()
    new_items = [{"position": 1, "problem": "签字仍不完整"}, {"position": 3, "problem": "缺少场所平面图"}]
    with pytest.raises(ValidationFailed, match="新增了此前未告知的材料「场所平面图」") as err:
        services.request_supplement(case=submitted, by=world.clerk, items=new_items)
    assert err.value.code == "supplement.new_materials_need_reason" and err.value.field == "reason"
    assert submitted.supplements.count() == 2
    services.request_supplement(
        case=submitted, by=world.clerk, items=new_items, reason="经营范围变更为含冷食类,需补充平面图"
    )
    alert = Alert.objects.get(
        code="case.supplement.repeated_new_materials"
    )  # supervision's alert, the only one
    assert alert.case == submitted and alert.data["new_materials"] == ["场所平面图"]
    assert alert.event.action == "request_supplement" and "场所平面图" in alert.explanation


def test_refusal_with_reason_and_notice(world, submitted):
    with pytest.raises(ValidationFailed, match="不予受理的理由"):
        services.refuse_case(case=submitted, by=world.clerk, reason=" ")
    services.refuse_case(
        case=submitted,
        by=world.clerk,
        reason="申请事项依法不需要取得行政许可",
        legal_basis="行政许可法第三十二条第一款第(一)项",
    )
    assert submitted.status == Status.REFUSED
    assert submitted.notices.get().kind == Notice.Kind.REFUSAL


def test_a_notice_masked_for_staff_who_may_not_see_the_names_keeps_a_companys(
    world, submitted, personal_case
):
    """notices.render(masked=True) (a member's refusal read through a joint case by another department): a natural
    person applicant and the agent are written as the verification page writes them; a company's name is no
    personal data and stays."""
    for case in (submitted, personal_case):
        services.refuse_case(
            case=case, by=world.clerk, reason="不属于本机关职权范围", legal_basis="第三十二条"
        )
    person = notices.masked_essentials(personal_case.notices.get(kind=Notice.Kind.REFUSAL))
    assert (person["applicant_name"], person["agent_name"]) == ("张*", "王**")
    company = notices.masked_essentials(submitted.notices.get(kind=Notice.Kind.REFUSAL))
    assert company["applicant_name"] == "贵溪市好味道餐饮有限公司" and company["agent_name"] == ""


# ---- deemed acceptance (第三十二条)


def test_deemed_acceptance_runs_once_and_dates_acceptance_to_receipt(world, submitted, capsys):
    from django.core.management import call_command

    clock.set_now(at("2026-10-10", 18))
    assert services.deem_accepted() == []  # the 5th working day is not over yet
    clock.set_now(at("2026-10-12", 8))
    call_command("cases", "deem-accepted")
    assert f"{submitted.number} 视为受理,受理日期 2026-09-28" in capsys.readouterr().out
    submitted.refresh_from_db()
    assert (
        submitted.status == Status.ACCEPTED
        and submitted.deemed_accepted
        and submitted.accepted_on == D("2026-09-28")
    )
    assert submitted.legal_due == D("2026-10-30")
    assert submitted.events.filter(action="deem_accept").count() == 1
    assert services.deem_accepted() == []
    assert submitted.notices.get().essentials["deemed"] is True
    # recorded once: the deem_accept event, and supervision's one alert on it (行政许可法 第三十二条)
    late = Alert.objects.get(case=submitted, code="case.intake.late")
    assert late.event.action == "deem_accept" and "已依法视为受理" in late.explanation


def test_late_decisions_follow_the_law(world, submitted):
    clock.set_now(at("2026-10-13"))
    with pytest.raises(Conflict, match="视为受理"):
        services.refuse_case(case=submitted, by=world.clerk, reason="不符合")
    services.accept_case(case=submitted, paper=paper_checklist(submitted), by=world.clerk)
    assert submitted.deemed_accepted and submitted.accepted_on == D("2026-09-28")


def test_a_case_awaiting_supplement_is_not_deemed_accepted(world, submitted):
    services.request_supplement(case=submitted, by=world.clerk, items=[{"position": 1, "problem": "未签字"}])
    clock.set_now(at("2026-11-30"))
    assert services.deem_accepted() == []


# ---- instant items


def test_instant_item_is_accepted_and_completed_the_same_day(world):
    case = services.submit_case(
        item=world.instant_item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        form={"subject": "改名"},
    )
    services.handle_instantly(case=case, paper=paper_checklist(case), by=world.clerk)
    case.refresh_from_db()
    assert case.status == Status.COMPLETED
    assert case.accepted_on == case.promised_due == case.legal_due == D("2026-09-28")
    assert_copies_match_replay(case)


# ---- concurrency


def test_two_people_accepting_at_once_one_wins_the_other_is_told(world, submitted):
    page_a = Case.objects.get(pk=submitted.pk)
    page_b = Case.objects.get(pk=submitted.pk)
    services.accept_case(case=page_a, paper=paper_checklist(page_a), by=world.clerk, revision=page_a.revision)
    with pytest.raises(Conflict, match="已被他人更新") as err:
        services.refuse_case(case=page_b, by=world.clerk, reason="材料不全", revision=page_b.revision)
    assert err.value.code == "stale"
    with pytest.raises(Conflict, match="办件当前状态为「办理中」"):
        services.refuse_case(case=page_b, by=world.clerk, reason="材料不全")
    assert Case.objects.get(pk=submitted.pk).status == Status.ACCEPTED


# ---- notices, outbox, calendar


def test_status_changes_write_outbox_messages_in_the_same_transaction(world, submitted):
    messages = OutboxMessage.objects.filter(case=submitted)
    assert {m.channel for m in messages} == {"sms"}  # the company gave a phone, no e-mail
    assert "360681-2026-000001" in messages.first().body and "贵*" in messages.first().body
    services.accept_case(case=submitted, paper=paper_checklist(submitted), by=world.clerk)
    assert OutboxMessage.objects.filter(case=submitted).count() == 2
    with pytest.raises(Conflict):
        services.accept_case(case=submitted, paper=paper_checklist(submitted), by=world.clerk)
    assert OutboxMessage.objects.filter(case=submitted).count() == 2


def test_loading_a_calendar_year_recomputes_open_cases(world):
    last = max(calendar.current_calendar().years)
    clock.set_now(at(f"{last}-12-21"))
    case = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "年底申请"}
    )
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    case.refresh_from_db()
    assert case.due_provisional
    before = case.legal_due
    year = last + 1
    calendar.load_year(
        year=year,
        holidays=[f"{year}-01-01", f"{year}-01-04", f"{year}-01-05", f"{year}-01-06"],
        workdays=[],
        source="测试用安排",
    )
    case.refresh_from_db()
    assert not case.due_provisional
    assert case.legal_due > before
    assert_copies_match_replay(case)


def test_a_staff_attachment_with_a_300_character_name_keeps_its_extension(world, accepted):
    """The step's attachment is named as the file was, shortened in the middle to its column, never cut at the end."""
    name = "审查意见" * 60 + "(签字版).pdf"  # 249 characters: Django's upload keeps names up to 255 whole
    row = services.attach_file(case=accepted, by=world.approver, upload=pdf_upload(name))
    assert (
        len(row.filename) == 200
        and row.filename.startswith("审查意见")
        and row.filename.endswith("(签字版).pdf")
    )
