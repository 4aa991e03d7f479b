"""Staff sign-in: password, lock-out, the TOTP second factor, sign-out, session expiry, and their audit records."""

import datetime as dt
import json
import re

import pytest
from django.contrib.sessions.models import Session
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_organisation, make_region, make_staff, make_totp_device, totp_code
from zhengwu.core import audit, clock
from zhengwu.core.models import AuditRecord, Role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
OTP = "/accounts/login/otp/"
SETUP = "/accounts/otp/setup/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clerk():
    bureau = make_organisation("贵溪市市场监督管理局", region=make_region("360681", "贵溪市"))
    return make_staff("wangfang", bureau, roles=[Role.WINDOW_CLERK], name="王芳")


def sign_in(client, username="wangfang", password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def is_signed_in(client) -> bool:
    return client.get("/workbench/").status_code == 200


def actions() -> list[str]:
    return list(AuditRecord.objects.order_by("id").values_list("action", flat=True))


def alert_text(response) -> str:
    match = re.search(r'role="alert"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return match.group(1) if match else ""


# --- the page ---------------------------------------------------------------------------------------------


def test_login_page_has_labelled_fields_and_a_login_button(client):
    html = client.get(LOGIN).content.decode()
    assert re.search(r'<label[^>]*for="id_username"[^>]*>用户名</label>', html)
    assert re.search(r'<label[^>]*for="id_password"[^>]*>密码</label>', html)
    assert 'name="username"' in html and 'name="password"' in html
    assert re.search(r'<button type="submit"[^>]*>登录</button>', html)
    assert "<main" in html


# --- password -------------------------------------------------------------------------------------------


def test_right_password_signs_in_and_opens_the_workbench(client, clerk):
    response = sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/workbench/"
    page = client.get("/workbench/")
    assert page.status_code == 200
    assert "王芳" in page.content.decode()
    assert client.session["signed_in_at"] == pytest.approx(clock.now().timestamp(), abs=60)


def test_sign_in_is_audited_with_the_user_as_object(client, clerk):
    sign_in(client)
    record = AuditRecord.objects.get(action="auth.signed_in")
    assert record.actor_id == clerk.user_id
    assert (record.object_type, record.object_id) == ("auth.user", str(clerk.user_id))
    assert audit.verify().ok


def test_sign_in_goes_to_a_safe_next_page_only(client, clerk):
    assert sign_in(client, next="/workbench/?tab=cases")["Location"] == "/workbench/?tab=cases"
    client.logout()
    assert sign_in(client, next="https://evil.example/steal")["Location"] == "/workbench/"


def test_wrong_password_shows_an_alert_and_tries_left(client, clerk):
    response = sign_in(client, password="not-my-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in alert_text(response)
    assert "还可尝试 4 次" in alert_text(response)
    html = response.content.decode()
    assert 'aria-describedby="form-errors"' in html
    assert not is_signed_in(client)


def test_failed_sign_in_is_audited_with_the_user_name_not_the_password(client, clerk):
    sign_in(client, password="not-my-password")
    record = AuditRecord.objects.get(action="auth.sign_in_failed")
    assert record.summary["username"] == "wangfang"
    assert record.object_id == str(clerk.user_id)
    assert "not-my-password" not in json.dumps(record.summary, ensure_ascii=False)


def test_unknown_user_name_gets_the_same_message(client, clerk):
    response = sign_in(client, username="nobody")
    assert "用户名或密码错误" in alert_text(response)


# --- lock-out -------------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, clerk):
    for _ in range(4):
        assert sign_in(client, password="wrong-password").status_code == 200
    locked = sign_in(client, password="wrong-password")
    assert locked.status_code == 403
    assert "账号已锁定" in locked.content.decode()
    assert "15 分钟" in locked.content.decode()

    again = sign_in(client)  # the right password
    assert again.status_code == 403
    assert not is_signed_in(client)
    assert "auth.locked_out" in actions()
    assert actions()[-1] == "auth.sign_in_refused"


def test_lock_out_is_per_user_name(client, clerk):
    make_staff("lina", clerk.organisation, roles=[Role.APPROVER])
    for _ in range(5):
        sign_in(client, password="wrong-password")
    assert sign_in(client, username="lina").status_code == 302


def test_success_clears_earlier_failures(client, clerk):
    for _ in range(4):
        sign_in(client, password="wrong-password")
    assert sign_in(client).status_code == 302
    client.post("/accounts/logout/")
    assert "还可尝试 4 次" in alert_text(sign_in(client, password="wrong-password"))


# --- second factor --------------------------------------------------------------------------------------


@pytest.fixture
def device(clerk):
    return make_totp_device(clerk.user)


def test_password_alone_does_not_sign_in_a_user_with_totp(client, device):
    response = sign_in(client)
    assert response["Location"] == OTP
    assert not is_signed_in(client)
    page = client.get(OTP).content.decode()
    assert re.search(r'<label[^>]*for="id_otp_token"[^>]*>动态验证码</label>', page)
    assert re.search(r'<button type="submit"[^>]*>验证</button>', page)


def test_right_code_signs_in(client, device):
    sign_in(client, next="/workbench/")
    response = client.post(OTP, {"otp_token": totp_code(device)})
    assert response["Location"] == "/workbench/"
    assert is_signed_in(client)
    record = AuditRecord.objects.get(action="auth.signed_in")
    assert record.summary["second_factor"] == "totp"


def test_wrong_code_is_refused(client, device):
    sign_in(client)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(OTP, {"otp_token": wrong})
    assert response.status_code == 200
    assert "动态验证码错误" in alert_text(response)
    assert not is_signed_in(client)
    assert "auth.sign_in_failed" in actions()


def test_five_wrong_codes_lock_the_account(client, device):
    sign_in(client)
    for _ in range(4):
        assert client.post(OTP, {"otp_token": "000000"}).status_code == 200
    assert client.post(OTP, {"otp_token": "000000"}).status_code == 403
    assert sign_in(client).status_code == 403


def test_code_step_without_the_password_step_goes_back_to_sign_in(client, device):
    assert client.get(OTP)["Location"] == LOGIN
    assert client.post(OTP, {"otp_token": totp_code(device)})["Location"] == LOGIN
    assert not is_signed_in(client)


def test_code_step_expires_after_five_minutes(client, device):
    sign_in(client)
    with clock.frozen(clock.now() + dt.timedelta(minutes=6)):
        assert client.post(OTP, {"otp_token": totp_code(device)})["Location"] == LOGIN
    assert not is_signed_in(client)


# --- enrolment ------------------------------------------------------------------------------------------


def test_enrol_an_authenticator_then_sign_in_needs_its_code(client, clerk):
    sign_in(client)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=clerk.user, confirmed=False)

    assert client.post(SETUP, {"action": "confirm", "otp_token": "000000"}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed

    device.throttle_reset()
    client.post(SETUP, {"action": "confirm", "otp_token": totp_code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert "auth.otp_enrolled" in actions()

    client.post("/accounts/logout/")
    assert sign_in(client)["Location"] == OTP


def test_remove_the_authenticator_needs_the_password(client, clerk, device):
    sign_in(client)
    client.post(OTP, {"otp_token": totp_code(device)})
    refused = client.post(SETUP, {"action": "remove", "password": "wrong-password"})
    assert "密码错误" in alert_text(refused)
    assert TOTPDevice.objects.filter(user=clerk.user).exists()

    client.post(SETUP, {"action": "remove", "password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=clerk.user).exists()
    assert "auth.otp_removed" in actions()


def test_administrators_can_be_required_to_enrol(client, clerk, settings):
    settings.ZHENGWU_REQUIRE_OTP_FOR_ADMIN = True
    make_staff("admin", clerk.organisation, roles=[Role.ADMINISTRATOR])
    sign_in(client, username="admin")
    assert client.get("/workbench/")["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    client.post("/accounts/logout/")
    sign_in(client)  # the clerk is not an administrator
    assert is_signed_in(client)


# --- sign-out and expiry --------------------------------------------------------------------------------


def test_logout_needs_post_and_returns_to_sign_in_with_a_message(client, clerk):
    sign_in(client)
    assert client.get("/accounts/logout/").status_code == 405
    assert is_signed_in(client)
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "您已安全退出" in response.content.decode()
    assert not is_signed_in(client)
    assert actions()[-1] == "auth.signed_out"


def test_logout_is_protected_against_cross_site_requests(clerk):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.post(LOGIN, {"username": "wangfang", "password": PASSWORD})
    assert strict.post("/accounts/logout/").status_code == 403


def test_idle_session_expires(client, clerk, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    sign_in(client)
    assert is_signed_in(client)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=clock.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_session_ends_twelve_hours_after_sign_in_however_active(client, clerk):
    sign_in(client)
    start = clock.now()
    with clock.frozen(start + dt.timedelta(hours=11, minutes=59)):
        assert is_signed_in(client)
    with clock.frozen(start + dt.timedelta(hours=12, minutes=1)):
        response = client.get("/workbench/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?expired=1&next=%2Fworkbench%2F"
    assert "登录已超时" in client.get(response["Location"]).content.decode()
    assert not is_signed_in(client)
    record = AuditRecord.objects.filter(action="auth.signed_out").last()
    assert record.summary == {"reason": "expired"}


@pytest.mark.django_db
def test_a_short_password_is_refused_in_chinese_at_sign_up(client):
    """Django's plural message reached people in English: This password is too short. It must contain at least 8
    characters. (beside 这个密码太常见了。)"""
    page = client.post(
        "/cases/register/",
        {
            "kind": "natural",
            "name": "王五",
            "id_number": "x",
            "phone": "13900000000",
            "password": "1234",
            "password2": "1234",
        },
    ).content.decode()
    assert "密码太短,至少需要 8 个字符" in page and "too short" not in page
