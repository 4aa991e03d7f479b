"""Issue 14.5: every create over the API takes an Idempotency-Key, not only submission — a material upload retried
with the same key is stored once."""

import pytest

from tests.cases.conftest import pdf_upload
from tests.factories import PNG_BYTES
from zhengwu.cases.models import CaseMaterial


def test_a_retried_material_upload_is_stored_once(client, world, submitted):
    client.force_login(world.clerk)
    url = f"/api/cases/{submitted.number}/materials"

    def send(upload, key="up-1"):
        return client.post(url, {"position": "1", "file": upload}, headers={"Idempotency-Key": key})

    first = send(pdf_upload())
    again = send(pdf_upload())
    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert CaseMaterial.objects.filter(case=submitted).count() == 1
    other = send(pdf_upload("执照.png", PNG_BYTES))
    assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"
    assert CaseMaterial.objects.filter(case=submitted).count() == 1


@pytest.mark.parametrize("header", [True, False])
def test_submission_with_the_header_makes_one_case(client, world, header):
    from zhengwu.cases.models import Case

    client.force_login(world.citizen_user)
    body = {"item_code": world.item.code, "form": {"subject": "开小吃店"}}
    headers = {"Idempotency-Key": "sub-1"} if header else {}
    first = client.post("/api/cases", body, content_type="application/json", headers=headers)
    again = client.post("/api/cases", body, content_type="application/json", headers=headers)
    assert first.status_code == 201
    assert Case.objects.count() == (1 if header else 2)
    if header:
        assert again.json()["number"] == first.json()["number"]
