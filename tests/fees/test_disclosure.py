"""The annual disclosure report's 行政事业性收费 row (第二十条第(八)项) comes from the fee records: collected in the
year, less approved refunds; an organisation collecting no fee through the platform keeps its typed figure."""

from tests.fees.conftest import land_case
from zhengwu.disclosure import annual
from zhengwu.fees import services, simulator
from zhengwu.fees.models import Payment


def row(organisation, year=2026):
    proactive = annual.data_for(organisation, year)["sections"]["proactive"]
    return proactive["article_20_8"]["administrative_fees_10k_yuan"], proactive["sources"][
        "administrative_fees_10k_yuan"
    ]


def test_the_fee_row_comes_from_the_records(fees_world):
    w = fees_world
    assert row(w.land)[0] == "0.0000"
    for quantities in ({}, {"BDC-003": 3}):
        simulator.pay(services.issue_notice(case=land_case(w), by=w.land_clerk, quantities=quantities))
    value, source = row(w.land)
    assert value == "0.0200" and source["source"] == "fees"  # 90 + 110 元
    refund = services.request_refund(
        payment=Payment.objects.first(),
        by=w.land_clerk,
        amount="90",
        reason="other",
        explanation="登记簿更正,免收",
    )
    services.decide_refund(refund=refund, by=w.land_head, approve=True)
    assert row(w.land)[0] == "0.0110"
    # The market bureau's catalogue holds only a 罚没收入 band: that is not 行政事业性收费.
    assert row(w.bureau)[0] == "0.0000"
    # An organisation with no fee in the catalogue keeps the typed figure (none typed: 0, from nowhere).
    value, source = row(w.other)
    assert source["source"] == "none"


def test_the_monthly_bulletin_shows_fees_per_organisation(fees_world):
    from zhengwu.supervision import bulletin

    w = fees_world
    simulator.pay(services.issue_notice(case=land_case(w), by=w.land_clerk))
    services.issue_notice(case=land_case(w), by=w.land_clerk, quantities={"BDC-003": 2})
    data = bulletin.content(2026, 9)
    [section] = [s for s in data["sections"] if s["title"] == "统一收费(非税收入)"]  # beside the hall's
    assert section["rows"] == [["贵溪市自然资源局", 2, "190.00", "90.00", "0.00", 0]]
    assert bulletin.to_pdf(data)[:5] == b"%PDF-"
    assert [s for s in bulletin.content(2026, 8)["sections"] if "统一收费" in s["title"]] == []
