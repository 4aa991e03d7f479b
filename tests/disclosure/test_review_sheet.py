"""The publication's review page shows everything that will be published — not only its body — and, when it comes
back into review, what changed since the previous round saw it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import PDF_BYTES
from zhengwu.core import clock
from zhengwu.disclosure import services, versions

BASE = "/workbench/disclosure/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def submitted(org, people):
    services.ensure_catalogue(organisation=org)
    with clock.frozen("2026-03-02T09:00"):
        pub = services.create_draft(
            organisation=org,
            by=people["drafter"],
            title="关于调整城区土地征收补偿标准的通知",
            document_number="贵自然资发〔2026〕5号",
            genre="notice",
            category=org.disclosure_categories.get(code="01"),
            subject="国土资源",
            written_on=dt.date(2026, 2, 10),
            body="<p>第一条 补偿按新标准执行。</p><p>第二条 自发布之日起施行。</p>",
        )
        services.add_attachment(
            publication=pub, by=people["drafter"], upload=SimpleUploadedFile("补偿标准表.pdf", PDF_BYTES)
        )
        return services.submit(publication=pub, by=people["drafter"])


def test_the_reviewer_sees_every_part_that_will_be_published(client, org, people, submitted):
    client.force_login(people["reviewer"])
    page = client.get(f"{BASE}publications/{submitted.pk}/").content.decode()
    attachment = submitted.attachments.get()
    for shown in (
        submitted.index_number,
        "贵溪市自然资源局",  # 发布机构
        "贵自然资发〔2026〕5号",
        "通知公告",  # 体裁
        f"{submitted.category.code} {submitted.category.name}",
        "国土资源",
        "2026年2月10日",  # 成文日期
        "审批通过后发布时确定",  # 发布日期, not yet
        "主动公开",
        "政府网站",
        "第二条 自发布之日起施行。",
        f'href="{BASE}publications/{submitted.pk}/attachments/{attachment.pk}/"',
    ):
        assert shown in page, shown
    assert 'id="publication-changes"' not in page  # its first round: nothing to compare with


def test_a_publication_sent_back_shows_the_next_round_what_changed(client, org, people, submitted):
    with clock.frozen("2026-03-03T09:00"):
        pub = services.reject(publication=submitted, by=people["reviewer"], opinion="第一条表述不清")
        pub = services.update_draft(
            publication=pub,
            by=people["drafter"],
            title="关于调整城区集体土地征收补偿标准的通知",
            body="<p>第一条 集体土地征收补偿按新标准执行。</p><p>第二条 自发布之日起施行。</p>",
        )
        services.add_attachment(
            publication=pub, by=people["drafter"], upload=SimpleUploadedFile("测算说明.pdf", PDF_BYTES)
        )
        pub = services.submit(publication=pub, by=people["drafter"])
    client.force_login(people["reviewer"])
    page = client.get(f"{BASE}publications/{pub.pk}/").content.decode()
    assert 'id="publication-changes"' in page and "与第1次提交审核" in page
    assert "<del>关于调整城区土地征收补偿标准的通知</del>" in page
    assert "<ins>关于调整城区集体土地征收补偿标准的通知</ins>" in page
    assert "删除:第一条 补偿按新标准执行。" in page and "新增:第一条 集体土地征收补偿按新标准执行。" in page
    assert "第二条" not in page.split('id="body-changes"')[1].split("</ul>")[0]  # unchanged: not listed
    assert "新增:测算说明" in page


def test_sent_again_unchanged_says_so(client, people, submitted):
    pub = services.reject(publication=submitted, by=people["reviewer"], opinion="请补充依据")
    pub = services.submit(publication=pub, by=people["drafter"])
    client.force_login(people["reviewer"])
    assert 'id="no-changes"' in client.get(f"{BASE}publications/{pub.pk}/").content.decode()


@pytest.mark.parametrize(
    ("markup", "paragraphs"),
    [
        ("<p>甲</p><p>乙</p>", ["甲", "乙"]),
        ("<ul><li>一</li><li>二</li></ul>", ["一", "二"]),
        ("甲<br>乙<br/>", ["甲", "乙"]),
        ("<h2>标题</h2><p> 多 个  空格 </p>", ["标题", "多 个 空格"]),
        ("", []),
    ],
)
def test_a_body_is_compared_paragraph_by_paragraph(markup, paragraphs):
    assert versions.paragraphs(markup) == paragraphs


def test_compare_names_each_changed_field_once():
    before = {"title": "甲", "subject": "", "body": ["一", "二"], "attachments": ["a.pdf(1 B)"]}
    after = {"title": "乙", "subject": "国土", "body": ["一", "三"], "attachments": ["b.pdf(1 B)"]}
    found = versions.compare(before, after)
    assert found.fields == [("标题", "甲", "乙"), ("主题分类", "—", "国土")]
    assert found.body == [("-", "二"), ("+", "三")]
    assert (found.attachments_removed, found.attachments_added) == (["a.pdf(1 B)"], ["b.pdf(1 B)"])
    assert not versions.compare(after, after).any


def test_a_draft_shows_what_changed_since_it_was_sent_back_and_a_new_draft_nothing(
    client, org, people, submitted
):
    """The drafter of a publication sent back sees what they changed since the reviewers saw it; a draft never sent
    into review (and a publication imported, never reviewed here) has nothing to compare with."""
    fresh = services.create_draft(organisation=org, by=people["drafter"], title="新草稿")
    assert versions.since_last_review(fresh) is None
    pub = services.reject(publication=submitted, by=people["reviewer"], opinion="请改标题")
    pub = services.update_draft(publication=pub, by=people["drafter"], title="改后的标题")
    found = versions.since_last_review(pub)
    assert found.fields == [("标题", "关于调整城区土地征收补偿标准的通知", "改后的标题")]
    client.force_login(people["drafter"])
    assert "<ins>改后的标题</ins>" in client.get(f"{BASE}publications/{pub.pk}/").content.decode()
