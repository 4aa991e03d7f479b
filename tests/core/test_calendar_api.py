import pytest

from zhengwu.core.ids import make_uscc
from zhengwu.core.models import AuditRecord, CalendarYear, Organisation, Region, Role, Staff, StaffRole

pytestmark = pytest.mark.django_db

YEAR_2027 = {
    "year": 2027,
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"] + [f"2027-10-0{d}" for d in range(1, 8)],
    "workdays": ["2027-09-26", "2027-10-09"],
    "source": "测试用安排",
}


@pytest.fixture
def make_staff(django_user_model):
    region = Region.objects.create(code="360681", name="贵溪市", level=Region.Level.COUNTY)
    organisation = Organisation.objects.create(
        name="贵溪市行政审批局", uscc=make_uscc("1", "1", "360681", "00000001"), region=region
    )

    def make(username: str, *roles: str):
        user = django_user_model.objects.create_user(username, password="密码-足够长-123")
        staff = Staff.objects.create(user=user, name=username, organisation=organisation)
        for role in roles:
            StaffRole.objects.create(staff=staff, role=role)
        return user

    return make


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date=2026-09-30&days=20", {"date": "2026-11-03", "provisional": False}),
        ("date=2025-09-30&days=1", {"date": "2025-10-09", "provisional": False}),
        ("date=2026-10-01&days=0", {"date": "2026-10-01", "provisional": False}),
        ("date=2026-12-30&days=5", {"date": "2027-01-06", "provisional": True}),
    ],
)
def test_add(client, query, expected):
    response = client.get(f"/api/calendar/add?{query}")
    assert response.status_code == 200
    assert response.json() == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("start=2026-09-30&end=2026-11-03", {"workdays": 20, "provisional": False}),
        ("start=2026-02-13&end=2026-02-28", {"workdays": 6, "provisional": False}),
        ("start=2026-11-03&end=2026-09-30", {"workdays": -20, "provisional": False}),
        ("start=2026-12-25&end=2027-01-08", {"workdays": 10, "provisional": True}),
    ],
)
def test_count(client, query, expected):
    response = client.get(f"/api/calendar/count?{query}")
    assert response.status_code == 200
    assert response.json() == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-10-01", {"workday": False, "kind": "holiday", "holiday_name": "国庆节", "provisional": False}),
        (
            "2026-02-28",
            {"workday": True, "kind": "adjusted_workday", "holiday_name": "春节", "provisional": False},
        ),
        ("2026-10-11", {"workday": False, "kind": "weekend", "holiday_name": None, "provisional": False}),
        ("2027-10-01", {"workday": True, "kind": "workday", "holiday_name": None, "provisional": True}),
    ],
)
def test_check(client, day, expected):
    response = client.get(f"/api/calendar/check?date={day}")
    assert response.status_code == 200
    assert response.json() == {"date": day, **expected}


@pytest.mark.parametrize(
    ("path", "field", "words"),
    [
        ("add?date=2026-09-30&days=-3", "days", "工作日数不能为负数"),
        ("add?date=2026-09-30&days=abc", "days", "「abc」不是整数"),
        ("add?date=2026-09-30", "days", "缺少工作日数"),
        ("add?date=2026-02-30&days=1", "date", "「2026-02-30」不是有效日期"),
        ("add?days=1", "date", "日期为空"),
        ("count?start=2026-09-30&end=2026/11/03", "end", "结束日期「2026/11/03」不是有效日期"),
        ("count?end=2026-11-03", "start", "开始日期为空"),
        ("check?date=tomorrow", "date", "「tomorrow」不是有效日期"),
    ],
)
def test_bad_input_answers_422_with_code_message_field(client, path, field, words):
    response = client.get(f"/api/calendar/{path}")
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("validation_failed", field)
    assert words in body["message"]


def test_years_lists_library_years(client):
    years = {y["year"]: y for y in client.get("/api/calendar/years").json()}
    assert set(years) == set(range(2004, 2027))
    assert years[2026]["source"] == "library"
    assert years[2026]["basis"].startswith("chinesecalendar")


def test_year_detail(client):
    body = client.get("/api/calendar/years/2025").json()
    assert {"date": "2025-10-08", "kind": "holiday", "name": "国庆节"} in body["holidays"]
    assert [d["date"] for d in body["workdays"]] == [
        "2025-01-26",
        "2025-02-08",
        "2025-04-27",
        "2025-09-28",
        "2025-10-11",
    ]
    missing = client.get("/api/calendar/years/2030")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert missing.json()["field"] == "year"


def test_administrator_loads_a_year(client, make_staff):
    client.force_login(make_staff("admin1", Role.ADMINISTRATOR))
    response = client.post("/api/calendar/years", YEAR_2027, content_type="application/json")

    assert response.status_code == 201
    assert response.json()["year"] == 2027
    assert response.json()["source"] == "loaded"
    assert response.json()["basis"] == "测试用安排"
    assert client.get("/api/calendar/add?date=2027-09-30&days=1").json() == {
        "date": "2027-10-08",
        "provisional": False,
    }
    years = {y["year"]: y["source"] for y in client.get("/api/calendar/years").json()}
    assert years[2027] == "loaded"
    assert CalendarYear.objects.get().loaded_by == "admin1"
    assert AuditRecord.objects.get(action="calendar.load_year").actor_label == "admin1(admin1)"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({**YEAR_2027, "workdays": ["2027-02-08"]}, "workdays", "「2027-02-08」是星期一"),
        ({**YEAR_2027, "holidays": ["2026-12-31"]}, "holidays", "不在 2027 年内"),
        ({**YEAR_2027, "holidays": ["2027-01-01", "2027-01-01"]}, "holidays", "重复"),
        ({"year": 2027}, "holidays", "缺少字段「holidays」"),
        ("not json", None, "不是有效的 JSON"),
    ],
)
def test_load_rejects_bad_input_with_422(client, make_staff, body, field, words):
    client.force_login(make_staff("admin1", Role.ADMINISTRATOR))
    response = client.post("/api/calendar/years", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert words in response.json()["message"]
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize("roles", [(), (Role.CENTRE_MANAGER,), (Role.WINDOW_CLERK, Role.APPROVER)])
def test_load_requires_the_administrator_role(client, make_staff, roles):
    client.force_login(make_staff("clerk1", *roles))
    response = client.post("/api/calendar/years", YEAR_2027, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not CalendarYear.objects.exists()


def test_load_refuses_anonymous_visitors(client):
    response = client.post("/api/calendar/years", YEAR_2027, content_type="application/json")
    assert response.status_code == 401  # ninja's session auth: not signed in
    assert not CalendarYear.objects.exists()


def test_load_checks_csrf_for_signed_in_staff(make_staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("admin1", Role.ADMINISTRATOR))
    response = client.post("/api/calendar/years", YEAR_2027, content_type="application/json")
    assert response.status_code == 403
    assert not CalendarYear.objects.exists()
