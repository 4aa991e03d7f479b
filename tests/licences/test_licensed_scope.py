"""行政许可法 第三十九条: the licence states the licensed matters (许可事项). They came from the catalogue item only, so
an approver who granted less (or more precisely) than the item's name could not say so on the licence. The decision
now states them where they differ — a field of the decision, empty for the item's — and the licence issued on it, its
page, its API answer and its signed PDF carry them; too long a text is refused at the field, nothing written."""

import io

import pypdf
import pytest

from tests.factories import paper_checklist
from zhengwu.cases import notices
from zhengwu.cases import services as cases
from zhengwu.cases.models import Case, Status
from zhengwu.core.errors import ValidationFailed
from zhengwu.licences import services
from zhengwu.licences.models import Licence

SCOPE = "预包装食品销售(不含冷藏冷冻食品);热食类食品制售"


def at_decision(w):
    """A food-licence case of the company at the head's decision step."""
    case = cases.submit_case(
        item=w.item,
        applicant=w.company,
        by=w.clerk,
        channel="counter",
        window=w.dedicated,
        form={"subject": "开一家小饭馆"},
    )
    case = cases.accept_case(case=case, paper=paper_checklist(case), by=w.clerk)
    cases.claim_step(case=case, by=w.approver)
    cases.complete_step(case=case, by=w.approver, opinion="同意")
    return Case.objects.get(pk=case.pk)


def decide(client, w, case, **posted):
    client.force_login(w.head)
    return client.post(
        f"/workbench/cases/{case.number}/act/decide/",
        {"revision": Case.objects.get(pk=case.pk).revision, "grant": "grant", "reasons": "", **posted},
    )


def pdf_text(licence) -> str:
    reader = pypdf.PdfReader(io.BytesIO(services.unsigned_pdf(licence)))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def test_the_decision_form_offers_the_scope_with_the_item_s_as_its_default(client, lworld):
    case = at_decision(lworld)
    client.force_login(lworld.head)
    html = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'name="licensed_scope"' in html and 'placeholder="食品经营许可"' in html
    assert "留空则电子证照按本事项载明:食品经营许可" in html


def test_the_stated_scope_is_carried_to_the_licence_its_page_api_and_pdf(client, lworld):
    case = at_decision(lworld)
    response = decide(client, lworld, case, licensed_scope=f"  {SCOPE} ")
    assert response.status_code == 302
    licence = Licence.objects.get(case=case)
    assert licence.data["subject"] == SCOPE  # not the item's 食品经营许可, nor the applicant's 开一家小饭馆
    event = case.events.get(action="decide")
    assert event.data["licensed_scope"] == SCOPE
    notice = case.notices.get(kind="grant")  # the 准予行政许可决定书 states them too
    reader = pypdf.PdfReader(io.BytesIO(notices.render(notice)))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
    assert ("许可事项:" + SCOPE).replace(" ", "") in text

    html = client.get(f"/workbench/licences/{licence.identifier}/").content.decode()
    assert f"<td>{SCOPE}</td>" in html
    assert client.get(f"/api/licences/{licence.identifier}").json()["data"]["subject"] == SCOPE
    assert SCOPE.replace(" ", "") in pdf_text(licence)


def test_left_empty_the_licence_states_the_item_s(client, lworld):
    case = at_decision(lworld)
    assert decide(client, lworld, case, licensed_scope="   ").status_code == 302
    licence = Licence.objects.get(case=case)
    assert licence.data["subject"] == "食品经营许可"
    assert "食品经营许可" in pdf_text(licence)


def test_too_long_a_scope_is_refused_at_its_field_and_nothing_is_written(client, lworld):
    case = at_decision(lworld)
    response = decide(client, lworld, case, licensed_scope="餐" * 501)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="decide-scope-error"' in html and "许可事项最长 500 个字,现有 501 个字" in html
    assert "餐" * 501 in html  # what was typed is kept in the field
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.decision in ("", None)
    assert not Licence.objects.filter(case=case).exists()

    client.force_login(lworld.head)
    api = client.post(
        f"/api/cases/{case.number}/decide",
        {"grant": True, "licensed_scope": "餐" * 501},
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["field"] == "licensed_scope"
    assert "许可事项最长 500 个字" in api.json()["message"]


def test_the_api_states_the_scope_too(client, lworld):
    case = at_decision(lworld)
    client.force_login(lworld.head)
    answer = client.post(
        f"/api/cases/{case.number}/decide",
        {"grant": True, "licensed_scope": SCOPE},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert Licence.objects.get(case=case).data["subject"] == SCOPE


def test_a_denial_states_no_scope(lworld):
    case = at_decision(lworld)
    cases.decide_case(
        case=case, by=lworld.head, grant=False, reasons="经营场所不符合要求", licensed_scope=SCOPE
    )
    assert case.events.get(action="decide").data["licensed_scope"] == ""
    with pytest.raises(ValidationFailed, match="许可事项最长"):
        cases.decide_case(case=at_decision(lworld), by=lworld.head, grant=True, licensed_scope="餐" * 501)


def test_a_type_whose_items_do_not_list_it_still_states_the_scope(client, lworld):
    lworld.food_type.data_items = [e for e in lworld.food_type.data_items if e["key"] != "subject"]
    lworld.food_type.save()
    case = at_decision(lworld)
    decide(client, lworld, case, licensed_scope=SCOPE)
    licence = Licence.objects.get(case=case)
    html = client.get(f"/workbench/licences/{licence.identifier}/").content.decode()
    assert f'<tr><th scope="row">许可事项</th><td>{SCOPE}</td></tr>' in html
    assert ("许可事项" + SCOPE).replace(" ", "") in pdf_text(licence)


def test_an_item_that_issues_no_licence_asks_for_no_scope(client, lworld):
    lworld.food_type.items.remove(lworld.item)
    case = at_decision(lworld)
    client.force_login(lworld.head)
    assert 'name="licensed_scope"' not in client.get(f"/workbench/cases/{case.number}/").content.decode()
