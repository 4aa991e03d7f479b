"""The CKAN API driven by ckanapi's RemoteCKAN, the client harvesters and scripts use, against a running server:
in its default mode (POST with a JSON body, at /api/action/) and with get_only (GET with query parameters)."""

import ckanapi
import pytest
import requests
from django.core.cache import cache

from tests.api.ckan_world import build

MODES = pytest.mark.parametrize("get_only", [False, True], ids=["POST-json", "GET"])


@pytest.fixture
def w(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    return build()


@pytest.fixture
def ckan(live_server):
    clients = []

    def connect(get_only: bool):
        clients.append(ckanapi.RemoteCKAN(live_server.url, get_only=get_only, user_agent="zhengwu-tests"))
        return clients[-1]

    yield connect
    for client in clients:
        client.close()


@MODES
def test_a_ckan_client_searches_the_catalogue_and_the_publications(w, ckan, get_only):
    remote = ckan(get_only)
    found = remote.action.package_search(q="不动产", rows=50, **{"facet.field": ["type"]})
    assert {(p["type"], p["title"]) for p in found["results"]} == {
        ("service-item", "不动产登记资料查询"),
        ("publication", "贵溪市不动产登记便民措施"),
    }
    assert found["facets"]["type"] == {"service-item": 1, "publication": 1}
    assert len(remote.action.package_list()) == remote.action.package_search(rows=0)["count"] == 4
    assert remote.action.status_show()["ckan_version"].startswith("2.")


@MODES
def test_a_ckan_client_lists_every_active_organisation(w, ckan, get_only):
    remote = ckan(get_only)
    names = remote.action.organization_list()
    assert len(names) == 5 and f"org-{w.quiet.uscc.lower()}" in names
    assert f"org-{w.closed.uscc.lower()}" not in names
    full = {o["name"]: o for o in remote.action.organization_list(all_fields=True)}
    assert full[f"org-{w.land.uscc.lower()}"]["package_count"] == 2
    shown = remote.action.organization_show(id=f"org-{w.land.uscc.lower()}", include_datasets=True)
    assert {p["title"] for p in shown["packages"]} == {"不动产登记资料查询", "贵溪市不动产登记便民措施"}


@MODES
def test_a_ckan_client_gets_an_item_whose_pdf_resource_downloads_a_pdf(w, ckan, get_only):
    remote = ckan(get_only)
    item = remote.action.package_show(id=f"item-{w.land_item.code.lower()}")
    pdf = next(r for r in item["resources"] if r["format"] == "PDF")
    assert remote.action.resource_show(id=pdf["id"])["url"] == pdf["url"]
    download = requests.get(pdf["url"], timeout=60)
    assert download.status_code == 200 and download.headers["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF") and len(download.content) > 1000


@MODES
def test_a_ckan_client_gets_ckan_exceptions(w, ckan, get_only):
    remote = ckan(get_only)
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id="item-none")
    with pytest.raises(ckanapi.ValidationError) as raised:
        remote.action.package_show()
    assert raised.value.error_dict["id"] == ["缺少必填参数"]
    with pytest.raises(ckanapi.SearchQueryError):
        remote.action.package_search(sort="popularity desc")
    if not get_only:  # ckanapi sends writes by POST only
        with pytest.raises(ckanapi.NotAuthorized):
            remote.action.package_create(name="new-dataset")


def test_every_resource_a_harvester_is_given_downloads_as_described(w, ckan):
    """Harvest as ckanext-harvest does (package_search, 100 a page, sort id asc), then fetch every resource."""
    remote = ckan(True)
    packages, start = [], 0
    while page := remote.action.package_search(rows=100, start=start, sort="id asc")["results"]:
        packages += page
        start += len(page)
    assert {p["type"] for p in packages} == {"service-item", "publication", "statistics"}
    resources = [r for p in packages for r in p["resources"]]
    assert {r["format"] for r in resources} == {"HTML", "PDF", "CSV"}
    for resource in resources:
        download = requests.get(resource["url"], timeout=60)
        assert download.status_code == 200, resource["url"]
        assert download.headers["Content-Type"].split(";")[0] == resource["mimetype"], resource["url"]
        assert len(download.content) > 0
