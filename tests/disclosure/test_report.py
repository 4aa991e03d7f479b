"""The annual report: a hand-worked year of requests, every outcome row, the column check, the formats."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from zhengwu.core import clock
from zhengwu.disclosure import outcomes, report, services
from zhengwu.disclosure.models import DisclosureRequest, Remedy

D = dt.date.fromisoformat
R = report.RequestRow


def _values(table, key):
    return next(row["values"] for row in table["rows"] if row["key"] == key)


def test_a_hand_worked_year():
    rows = [
        # Carried in from 2024 and answered in January 2025.
        R("natural_person", D("2024-12-20"), D("2025-01-10"), "disclose", ""),
        # Carried in from 2024 and still open at the end of 2025 (counts both in and out).
        R("commercial", D("2024-12-30"), None, "", ""),
        # New in 2025, answered in 2025.
        R("natural_person", D("2025-03-03"), D("2025-03-20"), "partial", ""),
        R("natural_person", D("2025-04-01"), D("2025-04-15"), "withhold", "third_party_rights"),
        R("legal_service", D("2025-05-06"), D("2025-05-30"), "other", "no_supplement"),
        R("research", D("2025-06-02"), D("2025-06-20"), "unable", "not_held"),
        # New in 2025, answered in 2026: carried out.
        R("public_interest", D("2025-12-22"), D("2026-01-12"), "disclose", ""),
        # Outside the year entirely.
        R("other", D("2024-03-01"), D("2024-03-20"), "disclose", ""),
        R("other", D("2026-02-01"), None, "", ""),
    ]
    t = report.request_table(rows, 2025)
    assert _values(t, "new") == {
        "natural_person": 2,
        "commercial": 0,
        "research": 1,
        "public_interest": 1,
        "legal_service": 1,
        "other": 0,
        "total": 5,
    }
    assert _values(t, "carried_in")["natural_person"] == 1 and _values(t, "carried_in")["commercial"] == 1
    assert _values(t, "carried_in")["total"] == 2
    assert _values(t, "disclose")["total"] == 1 and _values(t, "partial")["natural_person"] == 1
    assert _values(t, "withhold")["total"] == 1 and _values(t, "withhold.third_party_rights")["total"] == 1
    assert _values(t, "other.no_supplement")["legal_service"] == 1
    assert _values(t, "unable.not_held")["research"] == 1
    assert _values(t, "handled")["total"] == 5
    assert _values(t, "carried_out") == {
        "natural_person": 0,
        "commercial": 1,
        "research": 0,
        "public_interest": 1,
        "legal_service": 0,
        "other": 0,
        "total": 2,
    }
    assert t["check"]["ok"]


def test_every_outcome_row_is_in_the_table_and_counts():
    rows = []
    for o in outcomes.OUTCOMES:
        for reason in o.reasons or [None]:
            rows.append(
                R("natural_person", D("2025-03-03"), D("2025-03-10"), o.code, reason.code if reason else "")
            )
    t = report.request_table(rows, 2025)
    keys = [row["key"] for row in t["rows"]]
    for o in outcomes.OUTCOMES:
        assert o.code in keys
        assert _values(t, o.code)["total"] == max(1, len(o.reasons))
        for reason in o.reasons:
            assert _values(t, f"{o.code}.{reason.code}")["natural_person"] == 1
    assert _values(t, "handled")["total"] == len(rows) and t["check"]["ok"]
    # Sub-reason rows sum to their outcome's row.
    for o in outcomes.OUTCOMES:
        if o.reasons:
            assert (
                sum(_values(t, f"{o.code}.{r.code}")["total"] for r in o.reasons)
                == _values(t, o.code)["total"]
            )


def test_remedy_table():
    rows = [
        report.RemedyRow("reconsideration", D("2025-02-01"), "upheld", D("2025-04-01")),
        report.RemedyRow("reconsideration", D("2025-11-01"), "pending", None),
        report.RemedyRow("litigation_direct", D("2025-05-01"), "corrected", D("2025-09-01")),
        report.RemedyRow("litigation_after", D("2024-05-01"), "other", D("2024-09-01")),  # an earlier year
    ]
    t = report.remedy_table(rows, 2025)
    assert t["reconsideration"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}
    assert t["litigation_direct"]["corrected"] == 1 and t["litigation_after"]["total"] == 0


@pytest.fixture
def year_of_records(org, people):
    with clock.frozen("2025-03-03"):
        a = services.file_request(
            organisation=org,
            channel="in_person",
            requester_kind="commercial",
            requester_name="某公司",
            description="x",
            phone="13800138000",
        )
        services.reply(request=a, by=people["drafter"], outcome="not_processed", reason="repeated")
        b = services.file_request(
            organisation=org,
            channel="in_person",
            requester_kind="natural_person",
            requester_name="甲",
            description="y",
            phone="13800138000",
        )
        b = services.notify_fee(request=b, by=people["drafter"], method="pages", pages=40)
        services.receive_payment(request=b, by=people["drafter"])
        services.record_remedy(
            organisation=org,
            by=people["drafter"],
            kind="reconsideration",
            filed_on=D("2025-03-03"),
            result="pending",
        )
    with clock.frozen("2025-12-30"):
        services.file_request(
            organisation=org,
            channel="in_person",
            requester_kind="natural_person",
            requester_name="乙",
            description="z",
            phone="13800138000",
        )
    return org


def test_the_command_writes_every_format(tmp_path, year_of_records, org):
    with clock.frozen("2026-01-05"):
        out = io.StringIO()
        call_command(
            "disclosure", "annual-report", "--org", org.uscc, "--year", "2025", "--format", "json", stdout=out
        )
        data = json.loads(out.getvalue())
        s = data["sections"]
        assert data["deadline"] == "2026-01-31"
        assert _values(s["requests"], "new")["total"] == 3
        assert _values(s["requests"], "not_processed.repeated")["commercial"] == 1
        assert _values(s["requests"], "carried_out")["natural_person"] == 2
        assert s["requests"]["check"]["ok"] and s["processing_fees"]["collected_yuan"] == 100
        assert s["remedies"]["table"]["reconsideration"]["pending"] == 1
        for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
            path = tmp_path / f"r.{fmt}"
            call_command(
                "disclosure",
                "annual-report",
                "--org",
                org.uscc,
                "--year",
                "2025",
                "--format",
                fmt,
                "-o",
                str(path),
                stdout=io.StringIO(),
            )
            assert path.read_bytes().startswith(magic)
        html = io.StringIO()
        call_command(
            "disclosure",
            "annual-report",
            "--org",
            org.uscc,
            "--year",
            "2025",
            "--format",
            "html",
            stdout=html,
        )
        for title in report.SECTION_TITLES.values():
            assert str(title) in html.getvalue()


def test_the_report_page_saves_texts_and_publishes_through_review(client, year_of_records, org, people):
    client.force_login(people["drafter"])
    with clock.frozen("2026-01-05"):
        url = f"/workbench/disclosure/reports/{org.pk}/2025/"
        client.post(url, {"overview": "2025年,本局坚持以公开为常态。", "licensing": "12"})
        page = client.get(url).content.decode()
        assert "以公开为常态" in page and "2026-01-31" in page
        response = client.post(url, {"action": "publish"})
    pub = org.publications.get(genre="annual_report")
    assert response.status_code == 302 and pub.status == "draft" and "以公开为常态" in pub.body
    assert DisclosureRequest.objects.filter(organisation=org).count() == 3 and Remedy.objects.count() == 1
