"""The public pages: publication, search (Traditional ↔ Simplified), feeds, sitemap, requests (the CKAN API: tests/api)."""

import pytest
from django.test import Client
from django.urls import reverse

from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed
from zhengwu.disclosure import services


@pytest.fixture
def published(org, people):
    services.ensure_catalogue(organisation=org)
    category = org.disclosure_categories.get(code="01")

    def make(title, body="", number="", **fields):
        pub = services.create_draft(
            organisation=org,
            by=people["drafter"],
            title=title,
            body=body,
            document_number=number,
            category=category,
            **fields,
        )
        pub = services.submit(publication=pub, by=people["drafter"])
        for who in ("reviewer", "secrecy", "leader"):
            pub = services.approve(publication=pub, by=people[who])
        return services.publish(publication=pub, by=people["drafter"])

    return make


def test_publication_page_shows_the_metadata_and_body(client, published):
    pub = published("贵溪市政府信息公开实施办法", "<p>第一条 为了保障公民知情权</p>", "贵府发〔2026〕3号")
    page = client.get(reverse("portal_disclosure:publication", args=[pub.index_number]))
    text = page.content.decode()
    assert page.status_code == 200
    assert pub.index_number in text and "贵府发〔2026〕3号" in text and "保障公民知情权" in text


def test_unpublished_drafts_are_not_found(client, org, people):
    draft = services.create_draft(organisation=org, by=people["drafter"], title="内部草稿")
    assert client.get(reverse("portal_disclosure:publication", args=[draft.index_number])).status_code == 404


def _search(client, **params):
    return client.get(reverse("portal_disclosure:search"), params).content.decode()


def test_search_finds_words_in_either_script(client, published):
    published("关于调整城区土地征收补偿标准的通知", "<p>征收补偿按新标准执行</p>")
    published("关于开展春季植树活动的通知")
    simplified = _search(client, q="土地征收")
    traditional = _search(client, q="土地徵收補償")
    for page in (simplified, traditional):
        assert "城区土地征收补偿标准" in page and "植树" not in page


def test_traditional_documents_are_found_by_simplified_queries(client, published):
    published("關於公佈政務服務事項目錄的通知")
    assert "政務服務事項目錄" in _search(client, q="政务服务事项")


def test_search_filters_by_document_number_and_date(client, published):
    with clock.frozen("2026-03-02T10:00"):
        published("三月的通知", number="贵府发〔2026〕3号")
    with clock.frozen("2026-05-06T10:00"):
        published("五月的通知", number="贵府发〔2026〕9号")
    by_number = _search(client, number="〔2026〕9号")
    assert "五月的通知" in by_number and "三月的通知" not in by_number
    by_date = _search(client, date_from="2026-03-01", date_to="2026-03-31")
    assert "三月的通知" in by_date and "五月的通知" not in by_date


def test_catalogue_holds_the_statutory_areas_and_feeds_per_category(client, org, published):
    pub = published("法规文件一则")
    page = client.get(reverse("portal_disclosure:organisation", args=[org.pk])).content.decode()
    for area in ("法规文件", "机构职能", "财政预决算", "政府信息公开年度报告", "政府信息公开指南"):
        assert area in page
    feed = client.get(reverse("portal_disclosure:category_feed", args=[pub.category_id]))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "法规文件一则" in feed.content.decode() and "<feed" in feed.content.decode()


def test_sitemap_lists_public_pages_only(client, org, people, published):
    pub = published("公开的信息")
    draft = services.create_draft(organisation=org, by=people["drafter"], title="草稿")
    xml = client.get(reverse("portal_disclosure:sitemap")).content.decode()
    assert pub.index_number in xml and draft.index_number not in xml


def test_sitemap_dates_a_publication_by_its_day_in_china(client, published):
    """Published at 07:00 on 18 November in China, which is still 17 November in UTC: lastmod is the 18th."""
    import datetime as dt

    with clock.frozen(dt.datetime(2026, 11, 18, 7, 0, tzinfo=clock.LOCAL)):
        pub = published("清晨发布的通知")
    xml = client.get(reverse("portal_disclosure:sitemap")).content.decode()
    assert f"{pub.index_number}/</loc><lastmod>2026-11-18</lastmod>" in xml


def test_citizen_files_and_tracks_a_request(client, org):
    with clock.frozen("2026-02-06T10:00"):
        response = client.post(
            reverse("portal_disclosure:request"),
            _online_request(org, "2025年本镇低保名单"),
        )
    assert response.status_code == 302 and response.url == reverse("portal_disclosure:request_done")
    r = org.disclosure_requests.get()
    page = client.get(response.url).content.decode()
    assert r.number in page and r.access_code in page and "2026年3月12日" in page
    # reloading the page that says 申请已提交 files nothing more (it answered the POST itself: a reload filed a second
    # request, which counted towards the requester's monthly 按件 total); another browser is sent to the form
    assert r.access_code in client.get(response.url).content.decode()
    assert org.disclosure_requests.count() == 1
    assert Client().get(response.url).url == reverse("portal_disclosure:request")
    tracked = client.get(reverse("portal_disclosure:track"), {"number": r.number, "code": r.access_code})
    assert "办理中" in tracked.content.decode()
    wrong = client.get(reverse("portal_disclosure:track"), {"number": r.number, "code": "ffffffff"})
    assert "不正确" in wrong.content.decode() and "办理中" not in wrong.content.decode()


def test_the_requester_is_told_how_long_the_extension_is_and_why(client, org, people):
    """延长答复期限 must be told to the requester (第三十三条第一款) and the form says its reason 「将告知申请人」, but the
    tracking page said only 「延长答复期限」: it now says by how many working days, why, and the new date."""
    with clock.frozen("2026-03-02"):
        r = services.file_request(
            organisation=org,
            channel="in_person",
            requester_kind="natural_person",
            requester_name="王五",
            description="a",
            phone="13900000000",
        )
        r = services.ask_extension(request=r, by=people["drafter"], days=15, reason="需向多个部门调取档案")
        r = services.approve_extension(request=r, by=people["leader"])
        page = client.get(reverse("portal_disclosure:track"), {"number": r.number, "code": r.access_code})
    html = page.content.decode()
    assert "延长答复期限:延长15个工作日,理由:需向多个部门调取档案" in html
    assert r.due_on.strftime("%Y年%-m月%-d日") in html


def test_request_without_contact_is_refused_at_the_field(client, org):
    response = client.post(
        reverse("portal_disclosure:request"),
        {
            "organisation": org.pk,
            "requester_kind": "natural_person",
            "requester_name": "王五",
            "description": "x",
            "delivery": "电子邮件",
        },
    )
    assert "请至少填写一种联系方式" in response.content.decode()
    assert not org.disclosure_requests.exists()
    no_office = client.post(reverse("portal_disclosure:request"), {"requester_name": "王五"})
    assert (
        "请选择「受理机关」" in no_office.content.decode()
    )  # a select is chosen, not typed (it said 请填写)


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"phone": "12"}, "phone", "联系电话应为11位手机号码"),
        ({"phone": "13900000000", "requester_id_number": "123"}, "requester_id_number", "证件号码应为18位"),
        (
            {"phone": "13900000000", "requester_id_number": "360681199001011234"},
            "requester_id_number",
            "校验位",
        ),
        ({"phone": "13900000000"}, "email", "请填写电子邮箱"),
    ],
)
def test_a_request_s_contact_and_identity_are_checked_at_their_field(client, org, fields, field, says):
    """A stranger's pass: ID 123, phone 12 and 电子邮件 delivery without an address were all accepted."""
    response = client.post(
        reverse("portal_disclosure:request"),
        {
            "organisation": org.pk,
            "requester_kind": "natural_person",
            "requester_name": "王五",
            "description": "2025年本镇低保名单",
            "delivery": "电子邮件",
            **fields,
        },
    )
    page = response.content.decode()
    assert says in page and f'id="err-{field}"' in page or says in page
    assert not org.disclosure_requests.exists()


def test_reply_letter_downloads_as_pdf_citing_the_article(client, org, people):
    r = services.file_request(
        organisation=org,
        channel="in_person",
        requester_kind="natural_person",
        requester_name="赵六",
        description="某文件",
        phone="13800138000",
    )
    url = reverse("portal_disclosure:letter")
    assert client.get(url, {"number": r.number, "code": r.access_code}).status_code == 409  # not replied yet
    r = services.reply(request=r, by=people["drafter"], outcome="withhold", reason="third_party_rights")
    response = client.get(url, {"number": r.number, "code": r.access_code})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    from zhengwu.disclosure import letters

    assert "第十五条" in letters.letter_context(r)["article"]


def test_a_request_description_too_long_is_refused_naming_the_field_and_its_limit(client, org):
    response = client.post(
        reverse("portal_disclosure:request"),
        {
            "organisation": org.pk,
            "requester_kind": "natural_person",
            "requester_name": "王五",
            "phone": "13900000000",
            "description": "低" * 2001,
            "delivery": "网上查看",
        },
    )
    assert (
        "「所需政府信息的名称、文号或便于查询的其他特征性描述」最长 2000 个字,现有 2001 个字"
        in response.content.decode()
    )
    assert not org.disclosure_requests.exists()
    with pytest.raises(ValidationFailed, match="所需政府信息的描述最长 2000 个字"):
        services.file_request(
            organisation=org,
            channel="online",
            requester_kind="natural_person",
            requester_name="王五",
            phone="13900000000",
            description="低" * 2001,
        )


def test_a_reply_deadline_in_a_year_the_calendar_does_not_know_says_it_is_provisional(client, org):
    """The 20 working days (第三十三条) counted in a year whose holidays are not published (2040: no release of the
    calendar will know it for years; 2027 was such a year when this was written): the requester is told the date is
    暂定 and why, on the page that says 申请已提交 and when tracking it."""
    with clock.frozen("2040-12-20T10:00"):
        response = client.post(
            reverse("portal_disclosure:request"),
            _online_request(org, "2026年本镇低保名单"),
        )
    r = org.disclosure_requests.get()
    assert r.due_provisional and r.due_on.year == 2041
    page = client.get(response.url).content.decode()
    assert 'id="due-provisional"' in page and "节假日安排尚未公布" in page
    tracked = client.get(reverse("portal_disclosure:track"), {"number": r.number, "code": r.access_code})
    assert 'id="due-provisional"' in tracked.content.decode()
    # a date in a year the calendar knows carries no such mark
    r.due_provisional = False
    r.save(update_fields=["due_provisional"])
    tracked = client.get(reverse("portal_disclosure:track"), {"number": r.number, "code": r.access_code})
    assert 'id="due-provisional"' not in tracked.content.decode()


def _online_request(org, description: str) -> dict:
    """The portal's request form as 王五 fills it in, asking for `description`."""
    return {
        "organisation": org.pk,
        "requester_kind": "natural_person",
        "requester_name": "王五",
        "phone": "13900000000",
        "email": "wangwu@example.com",
        "description": description,
        "delivery": "电子邮件",
    }


def _error_at(page: str, field: str) -> str:
    """The message shown under one input of the request form ('' when none)."""
    import re

    found = re.search(rf'id="id_{field}_error">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def test_every_wrong_field_of_a_request_is_shown_at_once_at_its_field(client, org):
    """A citizen who left four fields wrong saw one, fixed it, then met the next: the form's own checks (a name
    left blank) and the service's (the phone, the ID number, 邮寄 without an address) now all show together."""
    response = client.post(
        reverse("portal_disclosure:request"),
        {
            "organisation": org.pk,
            "requester_kind": "natural_person",
            "requester_name": "",
            "phone": "12",
            "requester_id_number": "123",
            "description": "2025年本镇低保名单",
            "delivery": "邮寄纸质件",
        },
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "请填写「姓名或名称」" in _error_at(page, "requester_name")
    assert "联系电话应为11位手机号码" in _error_at(page, "phone")
    assert "证件号码应为18位" in _error_at(page, "requester_id_number")
    assert "请填写通信地址" in _error_at(page, "address")
    assert _error_at(page, "description") == ""  # what was right is not marked wrong
    assert not org.disclosure_requests.exists()


def test_a_request_the_form_accepts_shows_every_rule_it_breaks_at_once(client, org):
    """Every input is well formed for the form, the service refuses three: all three are shown, nothing filed."""
    response = client.post(
        reverse("portal_disclosure:request"),
        {
            "organisation": org.pk,
            "requester_kind": "natural_person",
            "requester_name": "王五",
            "phone": "12",
            "requester_id_number": "360681199001011234",
            "description": "2025年本镇低保名单",
            "delivery": "电子邮件",
        },
    )
    page = response.content.decode()
    assert "联系电话应为11位手机号码" in _error_at(page, "phone")
    assert "校验位" in _error_at(page, "requester_id_number")
    assert "请填写电子邮箱" in _error_at(page, "email")
    assert not org.disclosure_requests.exists()
    fixed = client.post(reverse("portal_disclosure:request"), _online_request(org, "2025年本镇低保名单"))
    assert fixed.status_code == 302 and org.disclosure_requests.count() == 1


def test_the_service_names_every_wrong_field_of_a_request():
    with pytest.raises(ValidationFailed) as found:
        services.check_requester(
            requester_kind="robot", requester_name=" ", description="", phone="12", delivery="邮寄纸质件"
        )
    assert [field for field, _message in found.value.errors] == [
        "requester_kind",
        "requester_name",
        "description",
        "phone",
        "address",
    ]
