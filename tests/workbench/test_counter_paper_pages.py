"""已收纸质件 on the counter's 收件 form (issue 13): the clerk ticks the materials handed over on paper; the case
page then says 已收纸质件(收件时) for them instead of 未上传, the 补正 form does not tick them as missing, and the
acceptance form's paper checklist comes ticked with them."""

import pytest

from tests.cases.conftest import pdf_upload, publish, resident_id, world  # noqa: F401
from tests.workbench.test_case_page_resupplied import SHARED
from zhengwu.cases.models import Case


@pytest.fixture
def clerk_client(client, world):  # noqa: F811
    client.force_login(world.clerk)
    return client


def _walk_in(key: str, **extra) -> dict:
    return {
        "idempotency_key": key,
        "who-kind": "natural",
        "who-name": "赵六",
        "who-id_number": resident_id("19660606", "666"),
        "who-phone": "13600000000",
        "form.subject": "申请开店",
        **extra,
    }


def _material_rows(html: str) -> list[str]:
    start = html.index('id="materials"')
    return html[start : html.index("</table>", start)].split("<tr")[2:]


def test_the_counter_form_offers_paper_for_each_material_the_checklist_offers(clerk_client, world):  # noqa: F811
    html = clerk_client.get(f"/workbench/cases/counter/{world.item.code}/").content.decode()
    assert 'id="paper-1"' in html and 'id="paper-2"' in html and "已收纸质件" in html
    assert 'id="paper-3"' not in html  # optional: not on the paper checklist (nor at acceptance)
    shared = publish(SHARED, world.bureau)
    html = clerk_client.get(f"/workbench/cases/counter/{shared.code}/").content.decode()
    assert 'id="paper-1"' in html and 'id="paper-2"' not in html  # 完税凭证 comes by data sharing


def test_paper_ticked_at_the_counter_shows_on_the_case_page(clerk_client, world):  # noqa: F811
    data = _walk_in("paper-1", material_1=pdf_upload(), paper=["2"])
    response = clerk_client.post(f"/workbench/cases/counter/{world.item.code}/", data)
    assert response.status_code == 302
    case = Case.objects.get(idempotency_key="paper-1")
    html = clerk_client.get(f"/workbench/cases/{case.number}/").content.decode()
    rows = _material_rows(html)
    assert "营业执照复印件" in rows[1] and "已收纸质件(收件时)" in rows[1] and "未上传" not in rows[1]
    assert "未上传" not in "".join(rows)
    assert 'id="sup-2" checked' not in html  # the 补正 form does not ask for it as missing
    # acceptance's paper checklist: the licence copy ticked; the application has its scan, so it is not offered
    assert 'id="paper-2" checked' in html and 'id="paper-1"' not in html


def test_the_acceptance_checklist_is_ticked_with_the_counter_paper_and_can_be_changed(clerk_client, world):  # noqa: F811
    data = _walk_in("paper-2", paper=["1"])
    assert clerk_client.post(f"/workbench/cases/counter/{world.item.code}/", data).status_code == 302
    case = Case.objects.get(idempotency_key="paper-2")
    html = clerk_client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'id="paper-1" checked' in html
    assert 'id="paper-2"' in html and 'id="paper-2" checked' not in html  # offered, not handed over
    rows = _material_rows(html)
    assert "已收纸质件(收件时)" in rows[0] and "未上传" in rows[1]
    assert 'id="sup-2" checked' in html and 'id="sup-1" checked' not in html
    # the clerk received the licence copy after all: acceptance records its own list
    clerk_client.post(
        f"/workbench/cases/{case.number}/act/accept/", {"revision": case.revision, "paper": ["1", "2"]}
    )
    case.refresh_from_db()
    assert case.status == "accepted" and case.events.get(action="accept").data["paper"] == [1, 2]
    rows = _material_rows(clerk_client.get(f"/workbench/cases/{case.number}/").content.decode())
    assert all("窗口已收纸质材料" in row for row in rows[:2]) and "收件时" not in "".join(rows)


def test_an_instant_items_checklist_is_ticked_with_the_counter_paper(clerk_client, world):  # noqa: F811
    data = _walk_in("paper-3", paper=["2"])
    assert clerk_client.post(f"/workbench/cases/counter/{world.instant_item.code}/", data).status_code == 302
    case = Case.objects.get(idempotency_key="paper-3")
    html = clerk_client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'id="instant-paper-2" checked' in html
    assert 'id="instant-paper-1"' in html and 'id="instant-paper-1" checked' not in html


def test_a_forged_paper_position_is_refused_at_the_field_with_what_was_typed(clerk_client, world):  # noqa: F811
    data = _walk_in("paper-4", paper=["2", "99"])
    response = clerk_client.post(f"/workbench/cases/counter/{world.item.code}/", data)
    html = response.content.decode()
    assert response.status_code == 422 and 'id="paper_error"' in html and "没有第 99 项材料" in html
    assert 'id="paper-2" aria-describedby="paper-help" checked' in html and "赵六" in html
    assert not Case.objects.filter(idempotency_key="paper-4").exists()
    letters = clerk_client.post(
        f"/workbench/cases/counter/{world.item.code}/", _walk_in("paper-5", paper=["二"])
    )
    assert letters.status_code == 422 and "「已收纸质件」应为材料序号" in letters.content.decode()


def test_an_agents_power_of_attorney_handed_over_at_the_counter_lets_the_case_be_granted(clerk_client, world):  # noqa: F811
    """An agent's application needs the 授权委托书 whatever the channel (the grant checks it): at the counter the clerk
    ticks the paper one, the case page says so, and acceptance and the grant go through the pages."""
    agent = {
        "who-agent_name": "钱代办",
        "who-agent_id_number": resident_id("19750505", "555"),
        "who-agent_phone": "13700000000",
    }
    data = _walk_in("paper-poa", paper=["0", "1", "2"], **agent)
    assert clerk_client.post(f"/workbench/cases/counter/{world.item.code}/", data).status_code == 302
    case = Case.objects.get(idempotency_key="paper-poa")
    html = clerk_client.get(f"/workbench/cases/{case.number}/").content.decode()
    rows = _material_rows(html)
    assert "授权委托书" in rows[0] and "已收纸质件(收件时)" in rows[0] and "未上传" not in "".join(rows)
    assert 'id="paper-0" checked' in html  # on acceptance's paper checklist, ticked
    clerk_client.post(
        f"/workbench/cases/{case.number}/act/accept/", {"revision": case.revision, "paper": ["0", "1", "2"]}
    )
    case.refresh_from_db()
    assert case.status == "accepted"
    from zhengwu.cases.handling import missing

    assert missing(case) == []


def test_an_agents_case_without_the_power_of_attorney_shows_it_missing(clerk_client, world):  # noqa: F811
    agent = {
        "who-agent_name": "钱代办",
        "who-agent_id_number": resident_id("19750505", "555"),
        "who-agent_phone": "13700000000",
    }
    data = _walk_in("paper-nopoa", paper=["1", "2"], **agent)
    assert clerk_client.post(f"/workbench/cases/counter/{world.item.code}/", data).status_code == 302
    case = Case.objects.get(idempotency_key="paper-nopoa")
    html = clerk_client.get(f"/workbench/cases/{case.number}/").content.decode()
    rows = _material_rows(html)
    assert "授权委托书" in rows[0] and "未上传" in rows[0]
    assert (
        'id="paper-0"' in html and 'id="paper-0" checked' not in html
    )  # offered at acceptance, not handed over


def test_the_power_of_attorney_ticked_without_an_agent_is_refused_at_the_field(clerk_client, world):  # noqa: F811
    data = _walk_in("paper-noagent", paper=["0", "1"])
    response = clerk_client.post(f"/workbench/cases/counter/{world.item.code}/", data)
    assert response.status_code == 422
    assert "没有填写代办人,无需勾选授权委托书" in response.content.decode()
    assert not Case.objects.filter(idempotency_key="paper-noagent").exists()


def test_an_items_own_power_of_attorney_material_is_the_box_the_clerk_ticks(clerk_client, world):  # noqa: F811
    """An item whose list has its own 委托书 material (the demo's 「授权委托书及受托人居民身份证」): that material's
    box is the one ticked for an agent's application, and the grant then finds it (a second browser pass found the
    separate 授权委托书 box recorded a material the grant did not count)."""
    import copy

    from tests.cases.conftest import ITEM
    from zhengwu.cases.handling import missing

    spec = copy.deepcopy(ITEM)
    spec["name"] = "食品经营许可(代办)"
    spec["materials"].append({"name": "授权委托书及受托人居民身份证", "required": False, "medium": "either"})
    item = publish(spec, world.bureau)
    html = clerk_client.get(f"/workbench/cases/counter/{item.code}/").content.decode()
    assert 'id="paper-4"' in html and 'id="paper-0"' not in html  # the item's own material, not a second box
    agent = {
        "who-agent_name": "钱代办",
        "who-agent_id_number": resident_id("19750505", "555"),
        "who-agent_phone": "13700000000",
    }
    data = _walk_in("paper-own-poa", paper=["1", "2", "4"], **agent)
    assert clerk_client.post(f"/workbench/cases/counter/{item.code}/", data).status_code == 302
    case = Case.objects.get(idempotency_key="paper-own-poa")
    html = clerk_client.get(f"/workbench/cases/{case.number}/").content.decode()
    rows = _material_rows(html)
    assert "授权委托书及受托人居民身份证" in rows[3] and "已收纸质件(收件时)" in rows[3]
    assert "未上传" not in "".join(rows[:2] + rows[3:])
    assert 'id="paper-4" checked' in html  # acceptance's checklist comes ticked with it
    clerk_client.post(
        f"/workbench/cases/{case.number}/act/accept/", {"revision": case.revision, "paper": ["1", "2", "4"]}
    )
    case.refresh_from_db()
    assert case.status == "accepted" and missing(case) == []


def _box(html: str, box_id: str) -> str:
    [tag] = [tag for tag in html.split("<input") if f'id="{box_id}"' in tag]
    return tag[: tag.index(">")]


def test_a_counter_case_whose_intake_recorded_no_paper_comes_with_nothing_ticked(clerk_client, world):  # noqa: F811
    """收件 with no 已收纸质件: the acceptance form came with every offered row ticked — the 告知承诺书 asked for
    only when 告知承诺制 is chosen (视情形提交) too — and one click recorded papers nobody had looked at as received
    (行政许可法 第三十二条). Now nothing comes ticked, and the form names what acceptance still needs."""
    from tests.cases.test_missing_materials import REGISTRATION

    item = publish(REGISTRATION, world.bureau)
    assert (
        clerk_client.post(f"/workbench/cases/counter/{item.code}/", _walk_in("paper-none")).status_code == 302
    )
    case = Case.objects.get(idempotency_key="paper-none")
    html = clerk_client.get(f"/workbench/cases/{case.number}/").content.decode()
    start = html.index('id="accept-form"')
    form = html[start : html.index("</form>", start)]
    assert " checked" not in _box(form, "paper-1") and " checked" not in _box(form, "paper-3")
    assert "data-needed" in _box(form, "paper-1") and "data-needed" not in _box(
        form, "paper-3"
    )  # the clerk judges
    assert 'id="paper-2"' not in form  # obtained by the department itself
    assert 'data-confirm="以下必需材料尚未提供:1. 个体工商户登记申请书。' in form
    # what the 收件 recorded comes ticked, the 告知承诺书 included: the clerk judged it there
    data = _walk_in("paper-some", paper=["1", "3"])
    assert clerk_client.post(f"/workbench/cases/counter/{item.code}/", data).status_code == 302
    case = Case.objects.get(idempotency_key="paper-some")
    html = clerk_client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert " checked" in _box(html, "paper-1") and " checked" in _box(html, "paper-3")


def test_an_instant_items_checklist_comes_unticked_when_the_intake_recorded_no_paper(clerk_client, world):  # noqa: F811
    assert (
        clerk_client.post(
            f"/workbench/cases/counter/{world.instant_item.code}/", _walk_in("paper-instant")
        ).status_code
        == 302
    )
    case = Case.objects.get(idempotency_key="paper-instant")
    html = clerk_client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert " checked" not in _box(html, "instant-paper-1") and " checked" not in _box(html, "instant-paper-2")


def test_with_every_required_material_uploaded_there_is_no_empty_checklist(clerk_client, world):  # noqa: F811
    """Both required materials uploaded: nothing is left to tick on paper, and the acceptance form showed the heading
    纸质材料收件清单(勾选窗口收到的纸质材料) over no boxes at all (a clerk looks for what to tick)."""
    data = _walk_in("paper-all", material_1=pdf_upload(), material_2=pdf_upload("营业执照.pdf"))
    assert clerk_client.post(f"/workbench/cases/counter/{world.item.code}/", data).status_code == 302
    case = Case.objects.get(idempotency_key="paper-all")
    html = clerk_client.get(f"/workbench/cases/{case.number}/").content.decode()
    form = html[html.index('id="accept-form"') : html.index("</form>", html.index('id="accept-form"'))]
    assert 'name="paper"' not in form and "纸质材料收件清单" not in form
    assert 'id="accept-missing" role="status" hidden' in form  # nothing missing either
