"""The disclosure pages offer an action exactly when its service accepts it (disclosure.permissions): every action of
the publication page and of the request page, for every kind of person, at every state of a publication and of a
request — each tried through its service in a savepoint; and who is offered what is held against a table written out,
so that a rule widened for the page and the service at once fails too."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.allowed_actions import matrix, offered
from tests.factories import PDF_BYTES
from zhengwu.core import clock
from zhengwu.core.models import Role
from zhengwu.disclosure import annual, permissions, services
from zhengwu.disclosure.models import DisclosureRequest, Publication

TODAY = "2026-03-02"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def everyone(people, org, other_org, government, make_staff):
    """The people of the disclosure fixtures, and those around them."""
    return {
        "起草人": people["drafter"],
        "公开专员": people["reviewer"],
        "保密审查员": people["secrecy"],
        "局长": people["leader"],
        "副局长": people["leader2"],
        "他机构公开专员": make_staff(other_org, "other", Role.DISCLOSURE_OFFICER, name="他局专员"),
        "中心管理人员": make_staff(government, "manager", Role.CENTRE_MANAGER, name="中心主任"),
        "监察人员": make_staff(government, "supervisor", Role.SUPERVISOR, name="监察员"),
        "窗口人员": make_staff(org, "clerk", Role.WINDOW_CLERK, name="窗口"),
        "系统管理员": make_staff(government, "admin", Role.ADMINISTRATOR, name="管理员"),
        "公众(有账号)": get_user_model().objects.create_user(username="citizen", password="pw-Zhengwu-2026"),
    }


def _offered(points, people, actions, *, reread) -> dict[str, dict[str, str]]:
    return offered(points, people, actions, refusal=permissions.refusal, reread=reread)


# ---------------------------------------------------------------- publications


def _publications(org, people) -> dict[str, Publication]:
    def draft(title, **fields):
        pub = services.create_draft(organisation=org, by=people["drafter"], title=title, **fields)
        services.add_attachment(
            publication=pub, by=people["drafter"], upload=SimpleUploadedFile("附件.pdf", PDF_BYTES)
        )
        return pub

    def chain(pub, steps):
        by = {"submit": "drafter", "r": "reviewer", "s": "secrecy", "l": "leader", "l2": "leader2"}
        for step in steps:
            if step == "submit":
                pub = services.submit(publication=pub, by=people["drafter"])
            elif step == "publish":
                pub = services.publish(publication=pub, by=people["drafter"])
            elif step == "withdraw":
                pub = services.withdraw(publication=pub, by=people["drafter"], reason="内容有误")
            else:
                pub = services.approve(publication=pub, by=people[by[step]])
        return pub

    return {
        "草稿": draft("草稿"),
        "待初审": chain(draft("待初审"), ["submit"]),
        "待保密审查": chain(draft("待保密审查"), ["submit", "r"]),
        "待领导审批": chain(draft("待领导审批"), ["submit", "r", "s"]),
        "待第二位领导审批": chain(draft("重要文件", important=True), ["submit", "r", "s", "l"]),
        "已审批待发布": chain(draft("已审批"), ["submit", "r", "s", "l"]),
        "已发布": chain(draft("已发布"), ["submit", "r", "s", "l", "publish"]),
        "已撤回": chain(draft("已撤回"), ["submit", "r", "s", "l", "publish", "withdraw"]),
    }


def _try_publication(action, user, pub):
    if action == "edit":
        return lambda: services.update_draft(publication=pub, by=user, title="修改后的标题")
    if action == "add_attachment":
        upload = SimpleUploadedFile("新附件.pdf", PDF_BYTES)
        return lambda: services.add_attachment(publication=pub, by=user, upload=upload)
    if action == "remove_attachment":
        return lambda: services.remove_attachment(attachment=pub.attachments.get(), by=user)
    if action == "submit":
        return lambda: services.submit(publication=pub, by=user)
    if action == "approve":
        return lambda: services.approve(publication=pub, by=user, opinion="同意")
    if action == "reject":
        return lambda: services.reject(publication=pub, by=user, opinion="请补充依据")
    if action == "publish":
        return lambda: services.publish(publication=pub, by=user)
    if action == "withdraw":
        return lambda: services.withdraw(publication=pub, by=user, reason="内容有误")
    if action == "repeal":
        return lambda: services.change_validity(
            publication=pub, by=user, validity="repealed", reason="已废止"
        )
    raise AssertionError(action)


def _reread_publication(pub):
    return Publication.objects.get(pk=pub.pk)


DRAFTING = "edit add_attachment remove_attachment submit"
PUBLICATION_TABLE = {
    # the organisation's officers draft; an administrator (with a staff profile) holds every role
    "草稿": {who: DRAFTING for who in ("起草人", "公开专员", "系统管理员")},
    # a review step: its role in the organisation, never the drafter; 初审 is an officer's, not the confidentiality
    # reviewer's (separate duties)
    "待初审": {who: "approve reject" for who in ("公开专员", "系统管理员")},
    # 保密审查: the confidentiality reviewer's only — not the officers' (the drafter, 公开专员 who signed 初审)
    "待保密审查": {who: "approve reject" for who in ("保密审查员", "系统管理员")},
    "待领导审批": {who: "approve reject" for who in ("局长", "副局长", "系统管理员")},
    # an important document: another leader than the first
    "待第二位领导审批": {who: "approve reject" for who in ("副局长", "系统管理员")},
    "已审批待发布": {who: "publish" for who in ("起草人", "公开专员", "系统管理员")},
    # 撤回、废止: an officer or the head of the organisation
    "已发布": {who: "withdraw repeal" for who in ("起草人", "公开专员", "局长", "副局长", "系统管理员")},
    "已撤回": {},
}


@pytest.mark.django_db
def test_every_publication_action_offered_is_accepted_and_none_refused_is_offered(org, people, everyone):
    with clock.frozen(TODAY):
        points = _publications(org, people)
        found, offered = matrix(
            points,
            everyone,
            permissions.PUBLICATION_ACTIONS,
            reread=_reread_publication,
            refusal=permissions.refusal,
            attempt=_try_publication,
        )
        table = _offered(points, everyone, permissions.PUBLICATION_ACTIONS, reread=_reread_publication)
    assert found == []
    assert offered > 0
    assert table == PUBLICATION_TABLE


# ---------------------------------------------------------------- requests


def _file(org, name="张三"):
    return services.file_request(
        organisation=org,
        channel="in_person",
        requester_kind="natural_person",
        requester_name=name,
        description="2025年城区土地征收补偿标准",
        phone="13800138000",
    )


def _requests(org, people) -> dict[str, DisclosureRequest]:
    officer, leader = people["drafter"], people["leader"]
    with clock.frozen("2026-01-05"):
        late = _file(org, "逾期")
        late_asked = _file(org, "逾期待审批")
        lapsing = services.request_supplement(request=_file(org, "放弃"), by=officer, items="身份证明")
    with clock.frozen("2026-01-20"):
        late_asked = services.ask_extension(request=late_asked, by=officer, days=20, reason="需调取档案")
    with clock.frozen("2026-02-02"):
        services.expire_waiting()
        # its period ran out, and 视为放弃 waits for the night's run (expire_waiting)
        lapsed = services.request_supplement(
            request=_file(org, "补正逾期"), by=officer, items="身份证明", workdays=1
        )
    with clock.frozen(TODAY):
        asked = services.request_supplement(request=_file(org, "补正过"), by=officer, items="身份证明")
        paid = services.notify_fee(request=_file(org, "缴费"), by=officer, method="pages", pages=120)
        replied = services.reply(request=_file(org, "答复"), by=officer, outcome="partial", text_="见附件")
        withdrawn = services.withdraw_request(request=_file(org, "撤回"))
        return {
            "办理中": _file(org),
            "办理中·已补正": services.receive_supplement(request=asked, content="已补"),
            "办理中·延长待审批": services.ask_extension(
                request=_file(org, "待审批"), by=officer, days=20, reason="需调取档案"
            ),
            "办理中·已延期": services.approve_extension(
                request=services.ask_extension(
                    request=_file(org, "延期"), by=officer, days=20, reason="需调取档案"
                ),
                by=leader,
            ),
            "办理中·延长未获同意": services.refuse_extension(
                request=services.ask_extension(
                    request=_file(org, "未同意"), by=officer, days=20, reason="档案在外单位"
                ),
                by=leader,
                opinion="档案已齐备",
            ),
            "延长待审批·答复期限已过": late_asked,
            "办理中·已缴费": services.receive_payment(request=paid, by=officer),
            "办理中·答复期限已过": late,
            "待补正·期限已过": lapsed,
            "待补正": services.request_supplement(request=_file(org, "待补正"), by=officer, items="身份证明"),
            "征求第三方意见": services.consult_third_party(
                request=_file(org, "第三方"), by=officer, third_party="某公司"
            ),
            "待缴费": services.notify_fee(
                request=_file(org, "待缴费"), by=officer, method="pages", pages=120
            ),
            "已答复": replied,
            "视为放弃": DisclosureRequest.objects.get(pk=lapsing.pk),
            "已撤回": withdrawn,
            "已归档": services.archive(
                request=services.reply(
                    request=_file(org, "归档"), by=officer, outcome="partial", text_="见附件"
                ),
                by=officer,
            ),
        }


def _try_request(action, user, r):
    calls = {
        "request_supplement": lambda: services.request_supplement(request=r, by=user, items="身份证明"),
        "receive_supplement": lambda: services.receive_supplement(request=r, by=user, content="已补"),
        "consult_third_party": lambda: services.consult_third_party(request=r, by=user, third_party="某公司"),
        "third_party_answered": lambda: services.record_third_party_answer(
            request=r, by=user, opinion="同意公开"
        ),
        "notify_fee": lambda: services.notify_fee(request=r, by=user, method="pages", pages=120),
        "receive_payment": lambda: services.receive_payment(request=r, by=user),
        "ask_extension": lambda: services.ask_extension(request=r, by=user, days=20, reason="需调取档案"),
        "extend": lambda: services.approve_extension(request=r, by=user),
        "refuse_extension": lambda: services.refuse_extension(request=r, by=user, opinion="不必延长"),
        "reply": lambda: services.reply(request=r, by=user, outcome="partial", text_="见附件"),
        "withdraw": lambda: services.withdraw_request(request=r, by=user),
        "archive": lambda: services.archive(request=r, by=user),
    }
    return calls[action]


def _reread_request(r):
    return DisclosureRequest.objects.get(pk=r.pk)


OFFICERS = (
    "起草人",
    "公开专员",
    "系统管理员",
)  # the organisation's disclosure officers; an administrator holds every role
LEADERS = ("局长", "副局长")  # 延长答复期限 is approved by the person in charge (第三十三条)


def _row(officers: str, *, leaders: str = "", requester: str = "withdraw") -> dict[str, str]:
    """Who is offered what on one request: the officers, the leaders (the administrator holds both roles), the
    requester at the portal."""
    row = {who: officers for who in OFFICERS if officers}
    if leaders:
        row |= {who: leaders for who in LEADERS}
        row["系统管理员"] = " ".join(
            a for a in permissions.REQUEST_ACTIONS if a in f"{officers} {leaders}".split()
        )
    if requester:
        row["申请人(门户)"] = requester
    return row


REQUEST_TABLE = {
    # the officer asks to extend (once, before the reply is due); the head decides an ask (第三十三条第一款)
    "办理中": _row("request_supplement consult_third_party notify_fee ask_extension reply withdraw"),
    # 补正 is asked once (第三十条)
    "办理中·已补正": _row("consult_third_party notify_fee ask_extension reply withdraw"),
    "办理中·延长待审批": _row(
        "request_supplement consult_third_party notify_fee reply withdraw", leaders="extend refuse_extension"
    ),
    # the reply period is extended once; an ask refused is no extension, and is asked again (a new reason)
    "办理中·已延期": _row("request_supplement consult_third_party notify_fee reply withdraw"),
    "办理中·延长未获同意": _row(
        "request_supplement consult_third_party notify_fee ask_extension reply withdraw"
    ),
    # one fee notice per request
    "办理中·已缴费": _row("request_supplement consult_third_party ask_extension reply withdraw"),
    # past 7 working days no 补正; past the reply date neither a third party's opinion nor an extension
    "办理中·答复期限已过": _row("notify_fee reply withdraw"),
    # asked in time, the date has passed since: the head may only refuse it
    "延长待审批·答复期限已过": _row("notify_fee reply withdraw", leaders="refuse_extension"),
    "待补正": _row("receive_supplement withdraw", requester="receive_supplement withdraw"),
    "待补正·期限已过": _row("withdraw"),
    "征求第三方意见": _row("third_party_answered withdraw"),
    "待缴费": _row("receive_payment withdraw"),
    "已答复": _row("archive", requester=""),
    "视为放弃": _row("archive", requester=""),
    "已撤回": _row("archive", requester=""),
    "已归档": {},
}


@pytest.mark.django_db
def test_every_request_action_offered_is_accepted_and_none_refused_is_offered(org, people, everyone):
    people_and_requester = {**everyone, "申请人(门户)": None}
    with clock.frozen(TODAY):
        points = _requests(org, people)
        found, offered = matrix(
            points,
            people_and_requester,
            permissions.REQUEST_ACTIONS,
            reread=_reread_request,
            refusal=permissions.refusal,
            attempt=_try_request,
        )
        table = _offered(points, people_and_requester, permissions.REQUEST_ACTIONS, reread=_reread_request)
    assert found == []
    assert offered > 0
    assert table == REQUEST_TABLE


# ---------------------------------------------------------------- the pages show what the rules allow


def _publication_forms(pub) -> dict[str, str]:
    """The mark of each action's form on the publication page: its address, ending in a quote (the attachments'
    address begins the removal's)."""
    marks = {
        "edit": 'name="version"',
        "add_attachment": reverse("workbench_disclosure:attachment_add", args=[pub.pk]) + '"',
    }
    marks["remove_attachment"] = (
        reverse("workbench_disclosure:attachment_remove", args=[pub.pk, pub.attachments.get().pk]) + '"'
    )
    for action in ("submit", "approve", "reject", "publish", "withdraw", "repeal"):
        marks[action] = reverse("workbench_disclosure:publication_action", args=[pub.pk, action]) + '"'
    return marks


def _shown(client, user, url, marks) -> dict[str, bool] | None:
    client.force_login(user)
    response = client.get(url)
    if response.status_code != 200:  # outside the person's scope (404) or not staff
        return None
    page = response.content.decode()
    return {action: mark in page for action, mark in marks.items()}


@pytest.mark.engine_independent
@pytest.mark.django_db
def test_the_publication_page_shows_each_form_exactly_where_allowed(client, org, people, everyone):
    wrong, seen = [], 0
    with clock.frozen(TODAY):
        for point, pub in _publications(org, people).items():
            url = reverse("workbench_disclosure:publication", args=[pub.pk])
            for who, user in everyone.items():
                shown = _shown(client, user, url, _publication_forms(pub))
                if shown is None:
                    continue
                seen += 1
                allowed = permissions.allowed_actions(user, _reread_publication(pub))
                wrong += [f"{point} · {who} · {a}" for a in shown if shown[a] != allowed[a]]
    assert wrong == []
    assert seen > 0


@pytest.mark.engine_independent
@pytest.mark.django_db
def test_the_request_page_shows_each_form_exactly_where_allowed(client, org, people, everyone):
    wrong, seen = [], 0
    with clock.frozen(TODAY):
        for point, r in _requests(org, people).items():
            url = reverse("workbench_disclosure:request", args=[r.pk])
            marks = {
                a: reverse("workbench_disclosure:request_action", args=[r.pk, a]) + '"'
                for a in permissions.REQUEST_ACTIONS
            }
            for who, user in everyone.items():
                shown = _shown(client, user, url, marks)
                if shown is None:
                    continue
                seen += 1
                allowed = permissions.allowed_actions(user, _reread_request(r))
                wrong += [f"{point} · {who} · {a}" for a in shown if shown[a] != allowed[a]]
    assert wrong == []
    assert seen > 0


@pytest.mark.django_db
def test_the_requesters_tracking_page_shows_the_supplement_and_withdrawal_exactly_where_allowed(
    client, org, people
):
    wrong = []
    with clock.frozen(TODAY):
        for point, r in _requests(org, people).items():
            page = client.get(reverse("portal_disclosure:track"), {"number": r.number, "code": r.access_code})
            assert page.status_code == 200
            shown = {
                "receive_supplement": reverse("portal_disclosure:supplement") + '"' in page.content.decode(),
                "withdraw": reverse("portal_disclosure:withdraw") + '"' in page.content.decode(),
            }
            allowed = permissions.allowed_actions(None, _reread_request(r))
            wrong += [f"{point} · {a}" for a in shown if shown[a] != allowed[a]]
            offered = {a for a in permissions.REQUESTER_ACTIONS if allowed[a]}
            assert offered == set(REQUEST_TABLE[point].get("申请人(门户)", "").split()), point
    assert wrong == []


# ---------------------------------------------------------------- the organisation's catalogue, guide and remedies


def _try_organisation(action, user, organisation):
    if action == "catalogue":
        return lambda: services.add_category(organisation=organisation, by=user, code="99", name="专题")
    if action == "profile":
        return lambda: services.save_profile(organisation=organisation, by=user, guide="公开指南")
    if action == "report":
        return lambda: annual.save_texts(organisation=organisation, year=2025, by=user, overview="总体情况")
    if action == "draft":
        return lambda: services.create_draft(organisation=organisation, by=user, title="新草稿")
    if action == "file_request":
        return lambda: services.file_request(
            organisation=organisation,
            by=user,
            channel="letter",
            requester_kind="natural_person",
            requester_name="王五",
            description="信息",
            phone="13800138000",
            signed_on=clock.today(),
        )
    return lambda: services.record_remedy(
        organisation=organisation, by=user, kind="reconsideration", filed_on=clock.today()
    )


@pytest.mark.django_db
def test_the_organisations_records_are_kept_by_its_officers_on_the_pages_and_in_the_services(
    client, org, other_org, everyone
):
    with clock.frozen(TODAY):
        points = {"本机构": org, "他机构": other_org}
        found, offered = matrix(
            points,
            everyone,
            permissions.ORGANISATION_ACTIONS,
            reread=lambda o: type(o).objects.get(pk=o.pk),
            refusal=permissions.refusal,
            attempt=_try_organisation,
        )
        table = _offered(points, everyone, permissions.ORGANISATION_ACTIONS, reread=lambda o: o)
        keeping = " ".join(permissions.ORGANISATION_ACTIONS)
        assert table == {
            "本机构": {who: keeping for who in ("起草人", "公开专员", "系统管理员")},
            "他机构": {who: keeping for who in ("他机构公开专员", "系统管理员")},
        }
        wrong, seen = [], set()
        for point, organisation in points.items():
            for who, user in everyone.items():
                for action, page, mark in (
                    ("catalogue", "catalogue", 'name="code"'),
                    ("profile", "profile", 'name="guide"'),
                    ("remedies", "remedies", 'name="filed_on"'),
                    ("draft", "publication_new", f">{organisation.name}</option>"),
                    ("file_request", "request_new", f">{organisation.name}</option>"),
                    ("report", "report", 'value="publish"'),
                ):
                    client.force_login(user)
                    args = [organisation.pk, 2025] if page == "report" else []
                    response = client.get(
                        reverse(f"workbench_disclosure:{page}", args=args), {"org": organisation.pk}
                    )
                    if response.status_code != 200:
                        continue
                    seen.add(who)
                    if (mark in response.content.decode()) != (table[point].get(who, "").find(action) >= 0):
                        wrong.append(f"{point} · {who} · {action}")
    assert found == []
    assert offered > 0
    assert wrong == []
    assert {"局长", "中心管理人员", "起草人"} <= seen  # the pages were read by keepers and by others


@pytest.mark.django_db
def test_the_review_queue_holds_exactly_what_each_person_may_sign(org, people, everyone):
    from zhengwu.disclosure import selectors

    with clock.frozen(TODAY):
        points = _publications(org, people)
        for who, user in everyone.items():
            queued = set(selectors.review_queue(user).values_list("pk", flat=True))
            signable = {
                p.pk
                for p in points.values()
                if permissions.refusal(user, _reread_publication(p), "approve") is None
            }
            assert queued == signable, who
