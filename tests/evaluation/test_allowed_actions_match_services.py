"""The rectification and appeal pages offer an action exactly when its service accepts it (evaluation.permissions):
every action, for every kind of person, at every state — each tried through its service in a savepoint."""

import pytest

from tests.allowed_actions import accepted, disagreement, matrix
from tests.evaluation.conftest import complete
from zhengwu.core.errors import AccessDenied, Conflict
from zhengwu.evaluation import permissions, services
from zhengwu.evaluation.models import Appeal, RatingChannel, Rectification

pytestmark = pytest.mark.django_db


def _bad(ev, case, **kw):
    return services.rate(
        kind="case", pk=case.pk, level=1, channel=RatingChannel.LINK, comment="材料交了两遍", **kw
    )


def _people(ev):
    return {
        "窗口人员": ev.clerk,
        "审查人员": ev.approver,
        "部门负责人": ev.head,
        "中心主任": ev.manager,
        "监察员": ev.supervisor,
        "外单位": ev.outsider,
    }


def _rectifications(ev) -> dict[str, Rectification]:
    """One rectification at each state the page knows."""
    head, out = ev.head, {}
    out["open"] = _bad(ev, complete(ev)).rectification
    verified = services.verify(
        rectification=_bad(ev, complete(ev)).rectification, by=head, founded=True, finding="属实"
    )
    out["verified, founded"] = verified
    out["verified, unfounded"] = services.verify(
        rectification=_bad(ev, complete(ev)).rectification, by=head, founded=False, finding="不属实"
    )
    rect = services.verify(
        rectification=_bad(ev, complete(ev)).rectification, by=head, founded=True, finding="属实"
    )
    out["rectified"] = services.rectify(rectification=rect, by=head, measures="培训")
    rect = services.verify(
        rectification=_bad(ev, complete(ev)).rectification, by=head, founded=True, finding="属实"
    )
    rect = services.rectify(rectification=rect, by=head, measures="培训")
    out["replied"] = services.reply(rectification=rect, by=head, text="已整改")
    rect = services.verify(
        rectification=_bad(ev, complete(ev)).rectification, by=head, founded=True, finding="属实"
    )
    rect = services.rectify(rectification=rect, by=head, measures="培训")
    rect = services.reply(rectification=rect, by=head, text="已整改")
    out["closed"] = services.follow_up(rectification=rect, satisfied=True)
    return out


def _try(action, user, rect):
    if action == "verify":
        return lambda: services.verify(rectification=rect, by=user, founded=True, finding="属实")
    if action == "rectify":
        return lambda: services.rectify(rectification=rect, by=user, measures="培训")
    if action == "reply":
        return lambda: services.reply(rectification=rect, by=user, text="已处理")
    if action == "follow_up":
        return lambda: services.follow_up(rectification=rect, satisfied=True, note="满意", by=user)
    raise AssertionError(action)


def test_every_rectification_action_offered_is_accepted_and_none_refused_is_offered(ev):
    disagreements, offered = matrix(
        _rectifications(ev),
        _people(ev),
        permissions.RECTIFICATION_ACTIONS,
        reread=lambda rect: Rectification.objects.get(pk=rect.pk),
        refusal=permissions.rectification_refusal,
        attempt=_try,
    )
    assert not disagreements, "\n".join(disagreements)
    assert offered >= 8


def test_an_appeal_is_offered_for_decision_exactly_when_the_service_decides_it(ev):
    pending = services.file_appeal(rating=_bad(ev, complete(ev)), by=ev.clerk, reason="申请人误点")
    decided = services.file_appeal(rating=_bad(ev, complete(ev)), by=ev.clerk, reason="申请人误点")
    services.decide_appeal(appeal=decided, by=ev.manager, upheld=False, note="不予支持")
    disagreements, offered = [], 0
    for appeal in (pending, decided):
        for who, user in _people(ev).items():
            fresh = Appeal.objects.select_related("rating__organisation").get(pk=appeal.pk)
            allowed = permissions.appeal_refusal(user, fresh) is None
            offered += allowed
            done = accepted(
                lambda u=user, a=fresh: services.decide_appeal(appeal=a, by=u, upheld=True, note="同意")
            )
            if found := disagreement(f"{appeal.reason} {appeal.state} · {who}", allowed, done):
                disagreements.append(found)
    assert not disagreements, "\n".join(disagreements)
    assert offered == 1  # the centre manager, on the pending appeal


def test_the_pages_show_the_forms_the_rules_allow(ev, client):
    rect = _bad(ev, complete(ev)).rectification
    client.force_login(ev.supervisor)  # sees the rectification, may only call back once it is answered
    html = client.get(f"/workbench/evaluation/rectifications/{rect.pk}/").content.decode()
    assert "提交核实" not in html and "记录回访" not in html
    client.force_login(ev.head)
    html = client.get(f"/workbench/evaluation/rectifications/{rect.pk}/").content.decode()
    assert "提交核实" in html and "提交整改" not in html
    client.force_login(ev.manager)
    assert "/appeal/" not in client.get("/workbench/evaluation/ratings/?month=2026-09").content.decode()


def test_only_the_rated_organisation_appeals_and_only_against_a_bad_rating(ev, client):
    # 国办发〔2019〕51号: 差评申诉 — the rated organisation asks; the centre, which decides, does not file
    bad = _bad(ev, complete(ev))
    good = services.rate(kind="case", pk=complete(ev).pk, level=5, channel=RatingChannel.LINK)
    for user in (ev.manager, ev.supervisor, ev.outsider):
        with pytest.raises(AccessDenied):
            services.file_appeal(rating=bad, by=user, reason="乱评")
    with pytest.raises(Conflict, match="只能对差评提出申诉"):
        services.file_appeal(rating=good, by=ev.clerk, reason="乱评")
    client.force_login(ev.clerk)
    html = client.get("/workbench/evaluation/ratings/?month=2026-09").content.decode()
    assert f"/ratings/{bad.pk}/appeal/" in html and f"/ratings/{good.pk}/appeal/" not in html
    assert services.file_appeal(rating=bad, by=ev.head, reason="申请人误点").state == Appeal.State.PENDING


def test_the_12345_desk_is_not_offered_the_callback_of_a_rating_nor_let_through(ev):
    """回访 of a rectification is the centre's (managers and supervisors, whose scope is the region). A hotline
    operator calls back on tickets; the role list named operators too, but their scope never reached the rated
    organisations (a 404 on the page): the list now says what the scope always decided, and this holds it."""
    from tests.factories import make_staff
    from zhengwu.core.models import Role

    operator = make_staff("operator-r", ev.centre.managed_by, roles=[Role.HOTLINE_OPERATOR], name="话务员")
    rect = _rectifications(ev)["replied"]
    assert permissions.rectification_refusal(operator, rect, "follow_up") is not None
    assert not accepted(_try("follow_up", operator, rect))
    assert permissions.rectification_refusal(ev.supervisor, rect, "follow_up") is None
