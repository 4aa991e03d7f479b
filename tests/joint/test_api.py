"""The joint API: bundles, applying, every joint action, and GET /api/cases/{number} of a joint case."""

import json

from django.contrib.auth import get_user_model

from tests.factories import PDF_BYTES
from tests.joint.conftest import upload_all
from zhengwu.joint.models import JointCase


def user(name):
    return get_user_model().objects.get(username=name)


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_apply_and_act_through_the_api(restaurant, county, company, client):
    client.force_login(company.user)
    answer = post(
        client,
        "/api/joint/cases",
        {
            "bundle_code": restaurant.bundle.code,
            "form": {"subject": "开餐馆"},
            "delivery_method": "electronic",
        },
    )
    assert answer.status_code == 201, answer.content
    number = answer.json()["number"]
    joint = JointCase.objects.get(number=number)
    upload_all(joint, company.user)
    assert {m.case.requested_delivery for m in joint.members.select_related("case")} == {"electronic"}
    detail = client.get(f"/api/cases/{number}").json()
    assert detail["kind"] == "joint" and detail["bundle_name"] == "开办餐饮店"
    assert [m["organisation"] for m in detail["members"]] == [
        "贵溪市市场监督管理局",
        "贵溪市市场监督管理局",
        "贵溪市城市管理局",
        "贵溪市卫生健康委员会",
    ]
    assert {"number", "organisation", "item", "state", "legal_due", "promised_due"} <= set(
        detail["members"][0]
    )
    assert "due" in detail and detail["phase"] == "received"
    client.logout()

    client.force_login(user("lead_clerk"))
    assert post(client, f"/api/joint/cases/{number}/notify").json()["phase"] == "notified"
    post(client, f"/api/joint/cases/{number}/members/1/confirm")
    post(client, f"/api/joint/cases/{number}/members/2/confirm")
    client.logout()
    client.force_login(user("urban_clerk"))
    refused = post(client, f"/api/joint/cases/{number}/members/4/confirm")
    assert refused.status_code in (403, 404)
    # 待受理的联办件: the member window's answer is awaited (its member case is not in the to_accept queue)
    work = client.get("/api/joint/cases").json()
    assert [(w["number"], w["phase_label"]) for w in work] == [(number, "已发联办通知")]
    assert work[0]["intake_due"]
    queued = {c["number"] for c in client.get("/api/cases?queue=to_accept").json()}
    assert not queued & {m["number"] for m in detail["members"]}
    # the missing materials by the numbers the applicant sees in the merged list (as the checklist page)
    drawings = next(e for e in joint.version.merged_materials if e["name"] == "排水管网图纸")["position"]
    url = f"/api/joint/cases/{number}/members/3/missing"
    old_style = post(client, url, {"items": [{"position": 3, "problem": "图纸不全"}]})
    assert old_style.status_code == 422 and "合并材料清单" in old_style.json()["message"]
    not_ours = post(client, url, {"items": [{"material": 1, "problem": "x"}]})
    assert not_ours.status_code == 422 and not_ours.json()["field"] == "items"
    assert "合并材料清单第 1 项不是" in not_ours.json()["message"]
    answer = post(client, url, {"items": [{"material": drawings, "problem": "图纸不全"}]})
    assert answer.status_code == 200, answer.content
    asked = answer.json()["members"][2]["missing"]
    assert [(i["material"], i["name"], i["problem"]) for i in asked] == [
        (drawings, "排水管网图纸", "图纸不全")
    ]
    assert client.get("/api/joint/cases").json() == []  # answered: nothing more for this window
    client.logout()
    client.force_login(user("health_clerk"))
    answer = post(client, f"/api/joint/cases/{number}/members/4/confirm").json()
    assert answer["phase"] == "supplement"
    assert [n["kind"] for n in answer["notices"]] == ["notification", "combined"]
    client.logout()

    client.force_login(company.user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("图纸.pdf", PDF_BYTES)
    assert client.post(f"/api/joint/cases/{number}/materials/{drawings}", {"file": upload}).json() == {
        "members": 1
    }
    assert post(client, f"/api/joint/cases/{number}/supply").json()["phase"] == "notified"


def test_bundles_api_and_openapi(restaurant, county, client):
    listed = client.get("/api/joint/bundles").json()
    assert listed[0]["name"] == "开办餐饮店" and listed[0]["legal_limit"] == 23
    client.force_login(user("manager"))
    spec = {
        "name": "开办旅馆",
        "category": "enterprise",
        "lead_organisation": county.market.pk,
        "members": [{"item": county.registration.code, "stage": 1}, {"item": county.long.code, "stage": 2}],
    }
    refused = post(client, "/api/joint/bundles", spec)
    assert (
        refused.status_code == 422
        and refused.json()["field"] == "members"
        and "第四十二条" in refused.json()["message"]
    )
    spec["members"][1]["item"] = county.hygiene.code
    made = post(client, "/api/joint/bundles", spec)
    assert made.status_code == 201 and made.json()["status"] == "draft"
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/joint/cases",
        "/api/joint/cases/{number}/notify",
        "/api/joint/cases/{number}/supply",
        "/api/joint/cases/{number}/members/{position}/missing",
        "/api/joint/bundles/{code}/publish",
    ):
        assert path in paths


def test_an_unknown_bundle_is_refused_at_the_field_the_caller_sent(restaurant, county, company, client):
    client.force_login(company.user)
    answer = post(client, "/api/joint/cases", {"bundle_code": "YJS9999", "form": {"subject": "开餐馆"}})
    assert answer.status_code == 422
    # at bundle_code, naming it (was field "code", which the request does not have, and no code said)
    assert (
        answer.json()["field"] == "bundle_code"
        and answer.json()["message"] == "找不到编码为「YJS9999」的一件事"
    )
    client.force_login(user("manager"))
    assert post(client, "/api/joint/bundles/YJS9999/submit").json()["field"] == "code"
