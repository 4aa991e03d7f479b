"""The review chain: nothing public without every approval its organisation requires."""

import datetime as dt

import pytest

from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, ValidationFailed
from zhengwu.core.models import Role, StaffRole
from zhengwu.disclosure import selectors, services, workflow
from zhengwu.disclosure.models import DisclosureProfile, Publication


def _draft(org, people, **fields):
    fields.setdefault("body", "<p>为规范政府信息公开工作,制定本办法。</p>")
    return services.create_draft(
        organisation=org, by=people["drafter"], title="贵溪市政府信息公开实施办法", **fields
    )


def _through_review(pub, people):
    pub = services.submit(publication=pub, by=people["drafter"])
    pub = services.approve(publication=pub, by=people["reviewer"])
    pub = services.approve(publication=pub, by=people["secrecy"])
    return services.approve(publication=pub, by=people["leader"])


def _visible(pub) -> bool:
    return selectors.public_publications().filter(pk=pub.pk).exists()


def test_index_numbers_are_organisation_code_year_sequence(org, people):
    with clock.frozen("2026-03-02"):
        first, second = _draft(org, people), _draft(org, people)
    assert first.index_number == f"{org.uscc}/2026-00001"
    assert second.index_number == f"{org.uscc}/2026-00002"


def test_a_configured_code_replaces_the_uscc(org, people):
    DisclosureProfile.objects.create(organisation=org, index_code="360681-ZRZY")
    with clock.frozen("2026-03-02"):
        assert _draft(org, people).index_number == "360681-ZRZY/2026-00001"


def test_the_full_chain_publishes_and_the_ledger_records_each_step(org, people):
    pub = _through_review(_draft(org, people), people)
    assert pub.status == workflow.APPROVED and not _visible(pub)
    pub = services.publish(publication=pub, by=people["drafter"])
    assert _visible(pub)
    steps = [(e.action, e.by_name) for e in pub.ledger.all()]
    assert steps == [
        ("edit", "起草人"),
        ("submit", "起草人"),
        ("approve", "审核人"),
        ("approve", "保密员"),
        ("approve", "局长"),
        ("publish", "起草人"),
    ]


@pytest.mark.parametrize("stop_after", [0, 1, 2, 3])
def test_publishing_before_every_approval_is_refused(org, people, stop_after):
    pub = services.submit(publication=_draft(org, people), by=people["drafter"])
    reviewers = ["reviewer", "secrecy", "leader"]
    for name in reviewers[:stop_after]:
        pub = services.approve(publication=pub, by=people[name])
    if stop_after == 3:
        pub.important = True  # marked important after the first leader: still needs the second
        Publication.objects.filter(pk=pub.pk).update(important=True, status=workflow.SECOND_LEADER_APPROVAL)
        pub.refresh_from_db()
    with pytest.raises(Conflict):
        services.publish(publication=pub, by=people["drafter"])
    assert not _visible(pub)


def test_a_draft_cannot_be_published_directly(org, people):
    pub = _draft(org, people)
    with pytest.raises(Conflict):
        services.publish(publication=pub, by=people["drafter"])
    assert not _visible(pub)


def test_the_drafter_cannot_review_their_own_draft(org, people, make_staff):
    both = make_staff(org, "both", Role.DISCLOSURE_OFFICER, Role.DEPARTMENT_HEAD)
    pub = services.create_draft(organisation=org, by=both, title="自拟自审")
    pub = services.submit(publication=pub, by=both)
    with pytest.raises(AccessDenied):
        services.approve(publication=pub, by=both)


def test_each_step_needs_its_role(org, people):
    pub = services.submit(publication=_draft(org, people), by=people["drafter"])
    with pytest.raises(Conflict, match="「待初审」须由政务公开人员签署"):
        services.approve(publication=pub, by=people["leader"])  # a leader is not the first reviewer
    pub = services.approve(publication=pub, by=people["reviewer"])
    pub = services.approve(publication=pub, by=people["secrecy"])
    with pytest.raises(Conflict, match="「待领导审批」须由部门负责人签署"):
        services.approve(
            publication=pub, by=people["reviewer"]
        )  # an officer cannot give the leader's approval


def test_staff_of_another_organisation_cannot_review(org, other_org, people, make_staff):
    outsider = make_staff(other_org, "outsider", Role.DISCLOSURE_OFFICER)
    pub = services.submit(publication=_draft(org, people), by=people["drafter"])
    with pytest.raises(AccessDenied):
        services.approve(publication=pub, by=outsider)


def test_an_important_document_needs_a_second_different_leader(org, people):
    pub = _through_review(_draft(org, people, important=True), people)
    assert pub.status == workflow.SECOND_LEADER_APPROVAL
    with pytest.raises(Conflict):
        services.publish(publication=pub, by=people["drafter"])
    with pytest.raises(AccessDenied):
        services.approve(publication=pub, by=people["leader"])
    pub = services.approve(publication=pub, by=people["leader2"])
    pub = services.publish(publication=pub, by=people["drafter"])
    assert _visible(pub)


def test_an_organisation_may_require_two_leaders_for_everything(org, people):
    DisclosureProfile.objects.create(organisation=org, second_leader_for_all=True)
    pub = _through_review(_draft(org, people), people)
    assert pub.status == workflow.SECOND_LEADER_APPROVAL


def test_each_review_step_is_signed_only_by_its_own_role(org, people, client):
    """初审 is the open-government officer's, 保密审查 the confidentiality reviewer's: separate duties, each refused to
    the other with a reason (409) and offered on the page only to its own."""
    pub = services.submit(publication=_draft(org, people), by=people["drafter"])
    page = f"/workbench/disclosure/publications/{pub.pk}/"

    def shown(who):
        client.force_login(people[who])
        return client.get(page).content.decode()

    for step in ("approve", "reject"):
        with pytest.raises(Conflict, match="「待初审」须由政务公开人员签署,您不能办理这一环节") as refused:
            getattr(services, step)(publication=pub, by=people["secrecy"], opinion="经审查不涉及国家秘密")
        assert refused.value.status == 409
    secrecy = shown("secrecy")
    assert 'id="review-form"' not in secrecy and "待初审:由起草人以外的政务公开人员办理" in secrecy
    assert pub not in selectors.review_queue(people["secrecy"])

    pub = services.approve(publication=pub, by=people["reviewer"], opinion="内容准确,同意")
    for who in ("reviewer", "drafter"):
        with pytest.raises(Conflict, match="「待保密审查」须由保密审查人员签署") as refused:
            services.approve(publication=pub, by=people[who])
        assert refused.value.status == 409
        reviewer = shown(who)
        assert 'id="review-form"' not in reviewer and "待保密审查:由起草人以外的保密审查人员办理" in reviewer
        assert pub not in selectors.review_queue(people[who])
    assert 'id="review-form"' in shown("secrecy")
    assert pub in selectors.review_queue(people["secrecy"])
    pub = services.approve(publication=pub, by=people["secrecy"], opinion="经审查不涉及国家秘密")
    assert [(e.by.username, e.from_status) for e in pub.ledger.order_by("at", "id")][-2:] == [
        ("reviewer", workflow.FIRST_REVIEW),
        ("secrecy", workflow.CONFIDENTIALITY_REVIEW),
    ]


def test_the_confidentiality_review_is_a_second_persons_unless_the_organisation_has_one_reviewer(
    org, people, client
):
    # an officer who is also a confidentiality reviewer (a small office's one reviewer)
    StaffRole.objects.create(staff=people["reviewer"].staff, role=Role.CONFIDENTIALITY_REVIEWER)
    pub = services.submit(publication=_draft(org, people), by=people["drafter"])
    pub = services.approve(publication=pub, by=people["reviewer"])
    with pytest.raises(AccessDenied, match="保密审查须由初审人以外的人员签署"):
        services.approve(publication=pub, by=people["reviewer"])
    client.force_login(people["reviewer"])
    page = client.get(f"/workbench/disclosure/publications/{pub.pk}/").content.decode()
    assert "/approve/" not in page  # not offered either
    assert pub not in selectors.review_queue(people["reviewer"])  # nor queued

    DisclosureProfile.objects.create(organisation=org, one_reviewer=True)
    assert pub in selectors.review_queue(people["reviewer"])
    pub = services.approve(publication=pub, by=people["reviewer"], opinion="未发现涉密内容")
    assert pub.status == workflow.LEADER_APPROVAL
    signed = pub.ledger.get(from_status=workflow.CONFIDENTIALITY_REVIEW)
    assert signed.opinion == "未发现涉密内容(初审与保密审查由同一人签署,按本机构政务公开设置)"


def test_rejection_returns_to_the_drafter_with_the_reason(org, people):
    pub = services.submit(publication=_draft(org, people), by=people["drafter"])
    pub = services.approve(publication=pub, by=people["reviewer"])
    with pytest.raises(ValidationFailed):
        services.reject(publication=pub, by=people["secrecy"], opinion=" ")
    pub = services.reject(publication=pub, by=people["secrecy"], opinion="第三段涉及未公开的规划数据")
    assert pub.status == workflow.DRAFT
    assert pub.ledger.last().opinion == "第三段涉及未公开的规划数据"
    # Back in draft it goes through every step again.
    pub = services.submit(publication=pub, by=people["drafter"])
    assert pub.status == workflow.FIRST_REVIEW


def test_an_approved_publication_cannot_be_edited(org, people):
    pub = _through_review(_draft(org, people), people)
    with pytest.raises(Conflict):
        services.update_draft(publication=pub, by=people["drafter"], title="偷偷改标题")


def test_scheduled_publication_appears_at_its_time(org, people):
    with clock.frozen("2026-03-02T10:00:00"):
        pub = _through_review(_draft(org, people), people)
        pub = services.publish(publication=pub, by=people["drafter"], at=clock.now() + dt.timedelta(days=1))
        assert not _visible(pub)
    with clock.frozen("2026-03-03T10:01:00"):
        assert _visible(pub)


def test_withdrawal_and_repeal_are_recorded_and_shown(org, people):
    old = services.publish(publication=_through_review(_draft(org, people), people), by=people["drafter"])
    new = services.publish(
        publication=_through_review(_draft(org, people, genre="normative"), people), by=people["drafter"]
    )
    old = services.change_validity(
        publication=old, by=people["leader"], validity="repealed", replaced_by=new, reason="被新办法替代"
    )
    page = selectors.public_publication(old.index_number)
    assert page.validity == "repealed" and page.replaced_by == new
    services.withdraw(publication=new, by=people["drafter"], reason="发布有误")
    assert not _visible(new)
    shown = selectors.public_publication(new.index_number)
    assert shown.status == workflow.WITHDRAWN


def test_a_withdrawn_publication_does_not_say_it_is_valid(org, people, client):
    """A stranger's pass: the portal said 效力 有效 right above 该信息已撤回."""
    pub = services.publish(publication=_through_review(_draft(org, people), people), by=people["drafter"])
    services.withdraw(publication=pub, by=people["drafter"], reason="发布有误")
    page = client.get(f"/disclosure/p/{pub.index_number}/").content.decode()
    assert "该信息已撤回" in page and "已撤回(不再有效)" in page and ">有效<" not in page


def test_a_body_loses_scripts_and_event_handlers(org, people):
    pub = _draft(
        org,
        people,
        body='<p onclick="steal()">正文<script>alert(1)</script></p><a href="javascript:x">链接</a>',
    )
    assert "script" not in pub.body and "onclick" not in pub.body and "javascript" not in pub.body
    assert "正文" in pub.body


def test_a_body_typed_as_plain_text_keeps_its_paragraphs(org, people):
    """The 正文 box takes plain text: its lines ran together into one paragraph on the portal and in review
    (「现制定本方案。 一、工作目标 二、主要措施」); each line is now a paragraph, its text escaped."""
    pub = _draft(
        org, people, body="为做好保供稳价工作,现制定本方案。\r\n\r\n一、工作目标\n二、主要措施 <不含税>"
    )
    assert (
        pub.body
        == "<p>为做好保供稳价工作,现制定本方案。</p><p>一、工作目标</p><p>二、主要措施 &lt;不含税&gt;</p>"
    )
    rich = _draft(org, people, body="<p>第一段</p>\n<p>第二段</p>")
    assert rich.body == "<p>第一段</p>\n<p>第二段</p>"


def test_interpretation_links_both_ways(org, people):
    policy = services.publish(publication=_through_review(_draft(org, people), people), by=people["drafter"])
    reading = services.create_draft(
        organisation=org, by=people["drafter"], title="《实施办法》解读", interprets=policy
    )
    assert reading.genre == "interpretation"
    assert list(policy.interpretations.all()) == [reading]


def test_state_rebuilds_from_the_ledger(org, people):
    pub = _draft(org, people, important=True)
    pub = services.submit(publication=pub, by=people["drafter"])
    pub = services.reject(publication=pub, by=people["reviewer"], opinion="补充依据")
    pub = _through_review(pub, people)
    pub = services.approve(publication=pub, by=people["leader2"])
    pub = services.publish(publication=pub, by=people["drafter"])
    events = [(e.from_status, e.action, e.to_status) for e in pub.ledger.all()]
    assert workflow.replay(workflow.PUBLICATION_TRANSITIONS, events, workflow.DRAFT) == pub.status


def test_every_transition_not_in_the_table_is_refused():
    states = list(workflow.PUBLICATION_STATES)
    actions = {a for _, a in workflow.PUBLICATION_TRANSITIONS}
    for state in states:
        for action in actions:
            if (state, action) in workflow.PUBLICATION_TRANSITIONS:
                continue
            with pytest.raises(DomainError):
                workflow.publication_next(state, action)
