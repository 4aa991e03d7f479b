import pytest

from tests.cases.conftest import at, pdf_upload
from tests.factories import paper_checklist
from zhengwu.cases import services
from zhengwu.cases.models import Case, Notice
from zhengwu.core import clock


def login(client, user, password):
    client.force_login(user)
    return client


def test_lifecycle_over_http_submit_accept_decide_complete(client, world):
    login(client, world.citizen_user, world.password)
    body = {"item_code": world.item.code, "form": {"subject": "开小吃店"}, "idempotency_key": "k-1"}
    created = client.post("/api/cases", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    number = created.json()["number"]
    again = client.post("/api/cases", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["number"] == number and Case.objects.count() == 1
    upload = client.post(f"/api/cases/{number}/materials", {"position": "1", "file": pdf_upload()})
    assert upload.status_code == 201 and upload.json()["content_type"] == "application/pdf"
    assert (
        client.post(f"/api/cases/{number}/materials", {"position": "2", "file": pdf_upload()}).status_code
        == 201
    )
    # The applicant may not accept their own case.
    assert client.post(f"/api/cases/{number}/accept", {}, content_type="application/json").status_code == 403

    login(client, world.clerk, world.password)
    accepted = client.post(f"/api/cases/{number}/accept", {}, content_type="application/json").json()
    assert accepted["status"] == "accepted" and accepted["promised_due"] == "2026-10-16"
    assert accepted["explanations"]["legal"]["explanation"][0]["kind"] == "start"
    login(client, world.approver, world.password)
    r = client.post(
        f"/api/cases/{number}/complete-step", {"opinion": "同意"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["steps"][1]["state"] == "done"
    login(client, world.head, world.password)
    early = client.post(f"/api/cases/{number}/complete", {}, content_type="application/json")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    decided = client.post(f"/api/cases/{number}/decide", {"grant": True}, content_type="application/json")
    assert decided.json()["decision"] == "grant"
    login(client, world.clerk, world.password)
    done = client.post(f"/api/cases/{number}/complete", {}, content_type="application/json").json()
    assert done["status"] == "completed"

    login(client, world.citizen_user, world.password)
    listed = client.get("/api/cases/" + number + "/notices").json()
    assert [n["kind"] for n in listed] == ["acceptance", "grant"]
    pdf = client.get(f"/api/cases/{number}/notices/{listed[1]['id']}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    verify = client.get("/api/cases" + listed[1]["verify_path"])
    assert verify.json()["decision"] == "准予许可" and verify.json()["applicant"] == "张*"


def test_errors_answer_code_message_field(client, world, submitted):
    login(client, world.clerk, world.password)
    r = client.post(
        f"/api/cases/{submitted.number}/supplement",
        {"items": [], "reason": ""},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "items" and "一次性" in r.json()["message"]
    stale = client.post(
        f"/api/cases/{submitted.number}/accept",
        {"revision": submitted.revision - 1},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale"


def test_scope_outsiders_and_anonymous_cannot_see_a_case(client, world, submitted):
    assert client.get(f"/api/cases/{submitted.number}").status_code == 401
    login(client, world.outsider, world.password)
    assert client.get(f"/api/cases/{submitted.number}").status_code == 404
    assert client.get("/api/cases").json() == []
    # A general-window clerk (一窗受理) sees what was received in their centre, not online applications.
    online = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "x"}
    )
    login(client, world.general_clerk, world.password)
    assert client.get(f"/api/cases/{submitted.number}").status_code == 200
    assert client.get(f"/api/cases/{online.number}").status_code == 404


def test_an_outsider_cannot_accept_decide_or_complete_a_case(client, world, submitted):
    """The state changes find the case in the user's scope with their locked read (one read, issue 20): outside it
    the answer is the same 404 as reading it, and nothing is written."""
    login(client, world.outsider, world.password)
    for action in ("accept", "decide", "complete"):
        r = client.post(
            f"/api/cases/{submitted.number}/{action}",
            {"revision": submitted.revision, "grant": True},
            content_type="application/json",
        )
        assert r.status_code == 404 and r.json()["field"] == "number", (action, r.content)
    r = client.post("/api/cases/360681-2026-999999/accept", {"revision": 1}, content_type="application/json")
    assert r.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == "received" and submitted.events.count() == 1


def test_public_status_needs_the_query_code(client, world, submitted):
    wrong = client.get("/api/cases/status", {"number": submitted.number, "query_code": "XXXXXX"})
    assert wrong.status_code == 404
    right = client.get("/api/cases/status", {"number": submitted.number, "query_code": submitted.query_code})
    body = right.json()
    assert (
        body["status"] == "received"
        and body["applicant_name"].startswith("贵")
        and "*" in body["applicant_name"]
    )
    assert [row["label"] for row in body["timeline"]] == ["提交申请(收件)"]
    assert "actor" not in body["timeline"][0]


def test_public_status_gives_no_staff_actions(client, world, submitted):
    """The workflow's next steps (accept, refuse …) and the handlers' opinions on each step are for staff: the public
    answer has the stages without them, the staff one has both."""
    services.accept_case(case=submitted, paper=paper_checklist(submitted), by=world.clerk)
    services.claim_step(case=submitted, by=world.approver)
    services.complete_step(case=submitted, by=world.approver, opinion="材料齐全,拟同意,待实地核查")
    public = client.get("/api/cases/status", {"number": submitted.number, "query_code": submitted.query_code})
    assert public.status_code == 200
    assert "actions" not in public.json() and "action_labels" not in public.json()
    steps = public.json()["steps"]
    assert steps and all("opinion" not in step for step in steps), steps
    assert "待实地核查" not in public.content.decode()
    assert [s["state"] for s in steps][:2] == ["done", "done"]
    spec = client.get("/api/openapi.json").json()
    answer = spec["paths"]["/api/cases/status"]["get"]["responses"]["200"]["content"]["application/json"]
    refs = [one["$ref"].rsplit("/", 1)[-1] for one in answer["schema"].get("anyOf", [answer["schema"]])]
    assert "PublicStatusOut" in refs
    assert "actions" not in spec["components"]["schemas"]["PublicStatusOut"]["properties"]
    login(client, world.clerk, world.password)
    staff = client.get(f"/api/cases/{submitted.number}").json()
    assert staff["actions"] and all(staff["action_labels"][a] for a in staff["actions"])
    assert staff["steps"][1]["opinion"] == "材料齐全,拟同意,待实地核查"


def test_workbench_queues(client, world, submitted):
    login(client, world.clerk, world.password)
    assert [c["number"] for c in client.get("/api/cases", {"queue": "to_accept"}).json()] == [
        submitted.number
    ]
    clock.set_now(at("2026-10-12"))
    assert [c["number"] for c in client.get("/api/cases", {"queue": "overdue"}).json()] == [submitted.number]


def test_verification_page_shows_essentials_masked(client, world, submitted):
    services.accept_case(case=submitted, paper=paper_checklist(submitted), by=world.clerk)
    notice = Notice.objects.get()
    client.logout()  # anyone holding the paper notice can check it, signed in or not
    response = client.get(f"/verify/{notice.token}")
    html = response.content.decode()
    assert response.status_code == 200 and "受理通知书" in html and submitted.number in html
    assert "贵溪市好味道餐饮有限公司" not in html
    assert client.get("/verify/nope").status_code == 404


@pytest.mark.parametrize("kind", ["acceptance", "supplement", "refusal"])
def test_every_notice_renders_to_pdf_with_a_qr(world, submitted, kind):
    from zhengwu.cases import notices

    if kind == "acceptance":
        services.accept_case(case=submitted, paper=paper_checklist(submitted), by=world.clerk)
    elif kind == "supplement":
        services.request_supplement(
            case=submitted,
            by=world.clerk,
            items=[{"position": 1, "problem": "未盖章"}, {"name": "委托书", "problem": "缺少"}],
        )
    else:
        services.refuse_case(case=submitted, by=world.clerk, reason="不属于本机关职权范围")
    notice = Notice.objects.get(kind=kind)
    pdf = notices.render(notice, base_url="https://zw.example.gov.cn/")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    assert notices.verify_url(notice, base_url="https://zw.example.gov.cn/").endswith(
        f"/verify/{notice.token}"
    )
