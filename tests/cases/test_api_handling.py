"""The cases API applies the same handling rules as the pages: the decision at the decision step by the department
head, 制证 after it by the bureau's window, delivery after that; everything else 4xx with {code, message, field}."""

from tests.cases.test_handling import BUREAU, OTHER_OFFICE, at_step, people  # noqa: F401


def post(client, user, number, action, body=None):
    client.force_login(user)
    return client.post(f"/api/cases/{number}/{action}", body or {}, content_type="application/json")


def test_decision_claim_and_delivery_over_http(client, people):  # noqa: F811
    w = people
    case = at_step(w, w.food, "审查")
    early = post(client, w.head, case.number, "decide", {"grant": True})
    assert early.status_code == 409 and early.json()["code"] == "decision.not_at_decision_step"
    assert early.json()["message"].startswith("当前环节为「审查」,决定须在决定环节「决定」作出")

    case = at_step(w, w.food, "决定")
    outsider = post(client, w.general_clerk, case.number, "decide", {"grant": True})
    assert outsider.status_code == 403 and outsider.json() == {
        "code": "step.other_organisation",
        "message": f"「决定」环节由{BUREAU}的部门负责人办理;您是{OTHER_OFFICE}的工作人员,不能办理该机构的环节",
        "field": None,
    }
    window = post(client, w.chief, case.number, "decide", {"grant": True})
    assert window.status_code == 403 and window.json()["code"] == "decision.window_not_authorised"

    decided = post(client, w.head, case.number, "decide", {"grant": True, "reasons": "符合条件"})
    assert decided.status_code == 200, decided.json()
    body = decided.json()
    assert body["status"] == "decided"
    assert [(s["name"], s["kind"], s["state"]) for s in body["steps"]][-2:] == [
        ("决定", "decide", "done"),
        ("制证", "produce", "open"),
    ]

    claim = post(client, w.general_clerk, case.number, "claim")
    assert claim.status_code == 403 and claim.json()["code"] == "step.other_organisation"
    deliver = post(client, w.general_clerk, case.number, "deliver", {"method": "window"})
    assert deliver.status_code == 409 and deliver.json()["code"] == "steps.unfinished"
    assert deliver.json()["field"] == "step"

    assert post(client, w.clerk, case.number, "complete-step", {"opinion": "已制证"}).status_code == 200
    assert post(client, w.general_clerk, case.number, "deliver", {"method": "window"}).status_code == 200
    done = post(client, w.general_clerk, case.number, "complete")
    assert done.status_code == 200 and done.json()["status"] == "completed"
