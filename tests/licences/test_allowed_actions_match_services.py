"""The licence page offers 变更, 延续 and 注销 exactly when the services accept them (licences.permissions): every
action, for the issuer's staff, another organisation's and an administrator, at every state of a licence."""

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
    return lambda: services.end(licence=licence, by=user, kind=Status.CANCELLED, basis="行政许可法第七十条")


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
    assert "注销、撤销或吊销" in html and "签发新版本" not in html and 'id="licence-renew' not in html
