"""The CKAN action API as a harvester and a CKAN client use it: every published item, publication and statistic as a
dataset with downloadable resources, every active organisation, CKAN's envelope and errors, both paths, GET and POST."""

import copy
import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.ckan_world import LAND_ITEM, build
from tests.supervision.conftest import publish

BASE = "/api/3/action/"


@pytest.fixture
def w(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build()


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()


def call(client, action, base=BASE, **params):
    response = client.get(base + action, params)
    body = response.json()
    assert body["success"] is True, body
    return body["result"]


def failure(response, status: int, kind: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False and "result" not in body
    assert body["error"]["__type"] == kind and body["error"]["message"]
    assert body["help"].endswith("help_show?name=" + response.wsgi_request.path.rsplit("/", 1)[-1])
    return body["error"]


def names_of(result) -> list[str]:
    return [p["name"] for p in result["results"]]


def test_search_finds_published_items_and_publications_never_drafts_or_unpublished(client, w):
    found = call(client, "package_search", q="不动产", rows=50)
    titles = {p["title"]: p["type"] for p in found["results"]}
    assert titles == {"不动产登记资料查询": "service-item", "贵溪市不动产登记便民措施": "publication"}
    assert found["count"] == 2
    everything = call(client, "package_list")
    assert sorted(everything) == sorted(
        [
            f"item-{w.item.code.lower()}",
            f"item-{w.land_item.code.lower()}",
            f"pub-{w.pub.index_number.lower().replace('/', '-')}",
            "stat-efficiency-indicators",
        ]
    )
    assert call(client, "package_search", rows=0)["count"] == len(everything)


@pytest.mark.parametrize("base", ["/api/3/action/", "/api/action/", "/disclosure/api/3/action/"])
def test_every_path_and_way_of_asking_gets_the_same_answer(client, w, base):
    params = {"q": "不动产", "fq": "type:service-item", "rows": 5}
    by_get = client.get(base + "package_search", params).json()["result"]
    by_json = client.post(base + "package_search", json.dumps(params), content_type="application/json")
    by_form = client.post(base + "package_search", params)
    by_old_form = client.post(  # curl -d '{"q": …}': the JSON is the form's only key
        base + "package_search", json.dumps(params), content_type="application/x-www-form-urlencoded"
    )
    assert names_of(by_get) == [f"item-{w.land_item.code.lower()}"]
    for response in (by_json, by_form, by_old_form):
        assert response.status_code == 200 and names_of(response.json()["result"]) == names_of(by_get)


def test_errors_come_in_ckan_envelope_with_ckan_status(client, w):
    failure(client.get(BASE + "package_show", {"id": "nope"}), 404, "Not Found Error")
    error = failure(client.get(BASE + "package_show"), 409, "Validation Error")
    assert error["id"] == ["缺少必填参数"]
    assert failure(client.get(BASE + "package_search", {"rows": "ten"}), 409, "Validation Error")["rows"]
    failure(
        client.post(BASE + "package_search", "{not json", content_type="application/json"), 400, "Bad Request"
    )
    failure(
        client.post(BASE + "package_search", "[1, 2]", content_type="application/json"), 400, "Bad Request"
    )
    failure(client.get(BASE + "package_search", {"sort": "popularity desc"}), 400, "Search Query Error")
    failure(client.get(BASE + "package_search", {"fq": "colour:red"}), 400, "Search Query Error")
    failure(client.get(BASE + "no_such_action"), 400, "Bad Request")
    failure(client.post(BASE + "package_create", {"name": "x"}), 403, "Authorization Error")
    failure(client.put(BASE + "package_search"), 405, "Bad Request")
    nul = failure(client.get(BASE + "package_search", {"q": "不动\x00产"}), 409, "Validation Error")
    assert nul["q"]


def test_any_origin_may_read_and_a_get_may_ask_for_jsonp(client, w):
    plain = client.get(BASE + "site_read", HTTP_ORIGIN="https://data.example.org")
    assert plain["Access-Control-Allow-Origin"] == "*" and plain.json()["result"] is True
    preflight = client.options(BASE + "package_search", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight.status_code == 200 and "POST" in preflight["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight["Access-Control-Allow-Headers"]
    jsonp = client.get(BASE + "site_read", {"callback": "show"})
    assert jsonp["Content-Type"].startswith("application/javascript")
    assert jsonp.content.decode().startswith("show({") and jsonp.content.decode().endswith("});")
    refused = client.get(BASE + "site_read", {"callback": "<script>"})
    assert refused["Content-Type"].startswith("application/json")


def test_an_item_is_a_dataset_with_its_guide_page_and_pdf(client, w):
    code = w.land_item.code
    by_name = call(client, "package_show", id=f"item-{code.lower()}")
    assert call(client, "package_show", id=code) == by_name
    assert by_name["organization"]["title"] == "贵溪市自然资源局" and by_name["owner_org"] == w.land.uscc
    assert {"政务服务事项", "公共服务", "不动产"} <= {t["name"] for t in by_name["tags"]}
    assert "承诺办结时限:10个工作日" in by_name["notes"]
    formats = {r["format"]: r for r in by_name["resources"]}
    assert formats["PDF"]["url"] == f"http://testserver/services/{code}/guide.pdf"
    assert formats["PDF"]["mimetype"] == "application/pdf"
    assert formats["HTML"]["url"] == f"http://testserver/services/{code}/"
    assert call(client, "resource_show", id=formats["PDF"]["id"]) == formats["PDF"]
    failure(client.get(BASE + "resource_show", {"id": f"{code}#nothing"}), 404, "Not Found Error")
    page = client.get(formats["HTML"]["url"])
    assert page.status_code == 200 and "不动产登记资料查询" in page.content.decode()


def test_a_publication_lists_its_page_and_its_attachment_which_download(client, w):
    package = call(client, "package_show", id=w.pub.index_number)
    assert package["name"] == f"pub-{w.pub.index_number.lower().replace('/', '-')}"
    assert call(client, "package_show", id=package["name"])["id"] == w.pub.index_number
    page, attachment = package["resources"]
    assert page["format"] == "HTML" and attachment["format"] == "PDF" and attachment["name"] == "便民措施"
    download = client.get(attachment["url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    for hidden in (w.draft_pub, w.scheduled, w.withdrawn):
        failure(client.get(BASE + "package_show", {"id": hidden.index_number}), 404, "Not Found Error")
    failure(client.get(BASE + "package_show", {"id": w.draft_item.code}), 404, "Not Found Error")


def test_the_indicators_are_a_dataset_of_monthly_csv_files_keyed_by_uscc(client, w):
    package = call(client, "package_show", id="stat-efficiency-indicators")
    assert package["organization"]["title"] == "贵溪市政务服务管理局"  # the body that runs the centre
    months = [r["id"].rsplit("#", 1)[1] for r in package["resources"]]
    assert months == ["2026-10", "2026-09"]  # complete months, none before the first case (2026-09-28)
    september = package["resources"][1]
    assert september["format"] == "CSV" and september["mimetype"] == "text/csv"
    download = client.get(september["url"])
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key[w.bureau.uscc][1] == "贵溪市市场监督管理局" and by_key[w.bureau.uscc][2] == "1"  # 收件 1
    assert rows[-1][1] == "合计"
    assert client.get("/supervision/indicators/2026-11.csv").status_code == 404  # not complete yet
    assert client.get("/supervision/indicators/2026-08.csv").status_code == 404  # before the first case


def test_every_active_organisation_is_listed_with_its_dataset_count(client, w):
    listed = call(client, "organization_list")
    active = [w.government, w.centre_admin, w.bureau, w.land, w.quiet]
    assert sorted(listed) == sorted(f"org-{o.uscc.lower()}" for o in active)  # not the inactive one
    full = call(client, "organization_list", all_fields="true", sort="package_count desc")
    counts = {o["title"]: o["package_count"] for o in full}
    assert counts == {
        "贵溪市自然资源局": 2,
        "贵溪市市场监督管理局": 1,
        "贵溪市政务服务管理局": 1,
        "贵溪市档案馆": 0,
        "贵溪市人民政府": 0,
    }
    assert [o["package_count"] for o in full] == sorted(counts.values(), reverse=True)
    assert call(client, "organization_list", limit=2, offset=1) == sorted(listed, key=_title_of(w))[1:3]
    shown = call(client, "organization_show", id=f"org-{w.land.uscc.lower()}", include_datasets="true")
    assert shown["package_count"] == 2 and {p["type"] for p in shown["packages"]} == {
        "service-item",
        "publication",
    }
    assert call(client, "organization_show", id=w.quiet.uscc)["package_count"] == 0
    failure(
        client.get(BASE + "organization_show", {"id": f"org-{w.closed.uscc.lower()}"}), 404, "Not Found Error"
    )


def _title_of(w):
    titles = {
        f"org-{o.uscc.lower()}": o.name for o in (w.government, w.centre_admin, w.bureau, w.land, w.quiet)
    }
    return lambda name: titles[name]


def test_filters_as_harvesters_write_them(client, w):
    def found(**params):
        return sorted(p["type"] for p in call(client, "package_search", rows=50, **params)["results"])

    land = f"org-{w.land.uscc.lower()}"
    assert found(fq=f"organization:{land}") == ["publication", "service-item"]
    assert found(fq=f"organization:{land} OR organization:org-{w.bureau.uscc.lower()}") == [
        "publication",
        "service-item",
        "service-item",
    ]
    assert found(fq=f"-organization:{land}") == ["service-item", "statistics"]
    assert found(fq="type:(publication OR statistics)") == ["publication", "statistics"]
    assert found(fq="+dataset_type:dataset") == found()  # CKAN's default type: every kind
    assert found(fq="tags:不动产") == ["service-item"]  # the item's theme
    assert found(fq='tags:"行政许可"') == ["service-item"]  # the item type
    assert found(fq="res_format:CSV") == ["statistics"]
    assert found(fq="res_format:PDF") == ["publication", "service-item", "service-item"]
    assert found(fq="metadata_modified:[2026-10-01T00:00:00Z TO *]") == ["statistics"]
    assert found(q="organization:" + land + " 便民") == ["publication"]
    newest = call(client, "package_search", q="不动产", sort="metadata_modified desc")["results"]
    assert {p["type"] for p in newest} == {"service-item", "publication"}  # both kinds, ordered together
    assert [p["metadata_modified"] for p in newest] == sorted(
        (p["metadata_modified"] for p in newest), reverse=True
    )


def test_paging_by_id_as_ckanharvester_does_sees_every_dataset_once(client, w):
    seen, start = [], 0
    while True:
        page = call(client, "package_search", rows=1, start=start, sort="id asc")["results"]
        if not page:
            break
        seen += [p["id"] for p in page]
        start += 1
    assert len(seen) == len(set(seen)) == call(client, "package_search", rows=0)["count"] == 4
    newest_first = call(client, "package_search", rows=10, sort="metadata_modified desc")["results"]
    modified = [p["metadata_modified"] for p in newest_first]
    assert modified == sorted(modified, reverse=True) and newest_first[0]["type"] == "statistics"
    by_title = [
        p["title"] for p in call(client, "package_search", rows=10, sort="title_string asc")["results"]
    ]
    assert by_title == sorted(by_title)


def test_facets_count_what_the_search_found(client, w):
    result = call(
        client, "package_search", q="不动产", **{"facet.field": '["organization", "type", "res_format"]'}
    )
    assert result["facets"]["organization"] == {f"org-{w.land.uscc.lower()}": 2}
    assert result["facets"]["type"] == {"service-item": 1, "publication": 1}
    assert result["facets"]["res_format"] == {"HTML": 2, "PDF": 2}
    items = result["search_facets"]["organization"]["items"]
    assert items == [{"name": f"org-{w.land.uscc.lower()}", "display_name": "贵溪市自然资源局", "count": 2}]


def test_the_api_is_rate_limited_in_its_own_envelope(client, w, settings, one_rate_window):
    settings.ZHENGWU_CKAN_RATE_LIMIT = "3/m"
    for _ in range(3):
        assert client.get(BASE + "site_read").status_code == 200
    failure(client.get(BASE + "site_read"), 429, "Rate Limit Error")


def test_a_page_costs_the_same_queries_however_large_the_catalogue(client, w):
    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            newest = call(
                client, "package_search", fq="type:service-item", rows=1, sort="metadata_modified desc"
            )
            best = call(client, "package_search", fq="type:service-item", q="登记", rows=1)
        assert len(newest["results"]) == len(best["results"]) == 1
        return len(captured)

    before = queries()
    for n in range(8):
        publish({**copy.deepcopy(LAND_ITEM), "name": f"不动产登记资料查询{n}"}, w.land)
    assert queries() == before
