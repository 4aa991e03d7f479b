"""The licence page offers 变更, 延续, 注销, 撤销 and 吊销 exactly when the services accept them (licences.permissions):
every action, for the issuer's head, approver and window, another organisation's staff and an administrator, at every
state of a licence."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from tests.allowed_actions import matrix
from tests.licences.conftest import granted
from zhengwu.core import clock
from zhengwu.licences import permissions, services
from zhengwu.licences.models import Licence, Status

pytestmark = pytest.mark.django_db


def _try(action, user, licence):
    if action == "change":
        return lambda: services.change(
            licence=licence, by=user, data={"address": "新址"}, reason="经营场所变更"
        )
    if action == "renew":
        return lambda: services.renew(licence=licence, by=user)
    kind = next(k for k, a in permissions.END_ACTIONS.items() if a == action)
    return lambda: services.end(
        licence=licence, by=user, kind=kind, basis="行政许可法第七十条", document="贵市监罚〔2026〕12号"
    )


def _licences(w) -> dict[str, Licence]:
    """A food licence (five years) at each state the page knows; the clock is moved on for the expired ones."""
    out = {"valid": Licence.objects.get(case=granted(w))}
    out["replaced"] = Licence.objects.get(case=granted(w))
    services.change(licence=out["replaced"], by=w.head, data={"address": "新址"}, reason="迁址")
    out["cancelled"] = Licence.objects.get(case=granted(w))
    services.end(licence=out["cancelled"], by=w.head, kind=Status.CANCELLED, basis="申请人申请注销")
    out["valid, past its end date"] = Licence.objects.get(case=granted(w))  # before the nightly job
    out["expired"] = Licence.objects.get(case=granted(w))
    return out


def test_every_licence_action_offered_is_accepted_and_none_refused_is_offered(lworld):
    w = lworld
    admin = get_user_model().objects.create_superuser("root", password="pw-root-2026")
    people = {
        "颁发机构负责人": w.head,
        "颁发机构审查人员": w.approver,
        "颁发机构窗口": w.clerk,
        "外单位": w.outsider,
        "系统管理员": admin,
    }
    licences = _licences(w)
    ended = licences["expired"].valid_until + dt.timedelta(days=1)
    clock.set_now(dt.datetime.combine(ended, dt.time(9), tzinfo=clock.LOCAL))
    Licence.objects.filter(pk=licences["expired"].pk).update(
        status=Status.EXPIRED
    )  # what the nightly job stores
    disagreements, offered = matrix(
        licences,
        people,
        permissions.ACTIONS,
        reread=lambda licence: Licence.objects.get(pk=licence.pk),
        refusal=permissions.refusal,
        attempt=_try,
    )
    assert not disagreements, "\n".join(disagreements)
    assert offered >= 6


def test_an_expired_licence_offers_cancellation_only(client, lworld):
    # 行政许可法 第七十条第(一)项: a licence whose validity ran out without renewal is cancelled (注销)
    licence = Licence.objects.get(case=granted(lworld))
    clock.set_now(
        dt.datetime.combine(licence.valid_until + dt.timedelta(days=3), dt.time(9), tzinfo=clock.LOCAL)
    )
    client.force_login(lworld.approver)
    html = client.get(f"/workbench/licences/{licence.identifier}/").content.decode()
    assert 'id="licence-end"' in html and "签发新版本" not in html and 'id="licence-renew"' not in html
    assert "不能延续,请申请新办" in html  # where 延续 was offered, what to do instead (第五十条)
    assert 'value="cancelled"' in html and 'value="revoked"' not in html


def test_an_approver_cancels_but_only_the_head_revokes_or_withdraws_on_a_decision_document(client, lworld):
    # 撤销 (行政许可法 第六十九条) and 吊销 (行政处罚法 第九条) are the issuing organisation's decisions; 注销 is not
    from zhengwu.core.errors import AccessDenied, ValidationFailed

    licence = Licence.objects.get(case=granted(lworld))
    client.force_login(lworld.approver)
    html = client.get(f"/workbench/licences/{licence.identifier}/").content.decode()
    form = html[html.index('id="licence-end"') :]
    assert 'value="cancelled"' in form and 'value="revoked"' not in form and 'value="withdrawn"' not in form
    assert f"确认注销{licence.holder_name}的食品经营许可证(编号 {licence.number})?" in form
    refused = client.post(
        f"/workbench/licences/{licence.identifier}/end/",
        {"kind": "withdrawn", "basis": "《食品安全法》第一百三十五条", "document": "贵市监罚〔2026〕12号"},
    )
    assert refused.status_code == 403 and "吊销是颁发机构的决定" in refused.content.decode()
    with pytest.raises(AccessDenied):
        services.end(licence=licence, by=lworld.approver, kind=Status.REVOKED, basis="x", document="y")
    licence.refresh_from_db()
    assert licence.status == Status.VALID

    client.force_login(lworld.head)
    html = client.get(f"/workbench/licences/{licence.identifier}/").content.decode()
    form = html[html.index('id="licence-end"') :]
    assert 'value="revoked"' in form and 'value="withdrawn"' in form and 'name="document"' in form
    assert f"确认吊销{licence.holder_name}的食品经营许可证(编号 {licence.number})?吊销后不能恢复。" in form
    no_document = client.post(
        f"/workbench/licences/{licence.identifier}/end/",
        {"kind": "withdrawn", "basis": "《食品安全法》第一百三十五条"},
    )
    assert (
        no_document.status_code == 422
        and "请填写决定文书编号或所依据的办件编号" in no_document.content.decode()
    )
    with pytest.raises(ValidationFailed) as err:
        services.end(licence=licence, by=lworld.head, kind=Status.REVOKED, basis="第六十九条")
    assert err.value.field == "document"
    client.post(
        f"/workbench/licences/{licence.identifier}/end/",
        {"kind": "withdrawn", "basis": "《食品安全法》第一百三十五条", "document": "贵市监罚〔2026〕12号"},
    )
    licence.refresh_from_db()
    assert (licence.status, licence.end_document) == (Status.WITHDRAWN, "贵市监罚〔2026〕12号")
    assert "贵市监罚〔2026〕12号" in client.get(f"/verify/licence/{licence.identifier}").content.decode()


def test_an_approver_still_cancels(lworld):
    licence = Licence.objects.get(case=granted(lworld))
    services.end(licence=licence, by=lworld.approver, kind=Status.CANCELLED, basis="申请人申请注销")
    licence.refresh_from_db()
    assert licence.status == Status.CANCELLED


def test_a_change_that_changes_nothing_is_refused_at_the_form_and_issues_no_version(client, lworld):
    licence = Licence.objects.get(case=granted(lworld))
    client.force_login(lworld.head)
    html = client.get(f"/workbench/licences/{licence.identifier}/").content.decode()
    form = html[html.index('id="licence-change"') :]
    assert f"确认签发食品经营许可证(编号 {licence.number})第 2 版?现行版本将标为已被替换。" in form
    page = client.post(
        f"/workbench/licences/{licence.identifier}/change/",
        {"data_address": licence.data["address"], "data_subject": "", "reason": "例行核对"},
    )
    text = page.content.decode()
    assert page.status_code == 422
    form = text[text.index('id="licence-change"') :]
    assert "未修改任何内容,无需变更" in form[: form.index("</form>")]
    licence.refresh_from_db()
    assert licence.status == Status.VALID and not Licence.objects.filter(previous=licence).exists()
