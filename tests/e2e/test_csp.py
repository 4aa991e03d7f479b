"""The pages whose scripts moved out of the templates still work under the Content-Security-Policy (issue 14.6):
the supervision dashboard draws its ECharts charts, a filter submits on change, the bulletin's links follow the
month, the hall screen loads its script. The `page` fixture fails the test on any CSP violation in the console."""

import re

from playwright.sync_api import expect


def test_scripted_pages_work_with_no_inline_script(page, demo_county, sign_in, visit):
    from zhengwu.core.models import ServiceCentre

    sign_in("supervisor", "zhengwu2026")
    response = visit("/workbench/supervision/")
    policy = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    expect(page.locator("#trend-chart canvas")).to_have_count(1)  # ECharts drew from the static script

    visit("/workbench/supervision/alerts/")
    with page.expect_navigation():
        page.select_option("#state", index=1)  # data-autosubmit (was onchange="this.form.submit()")
    assert "state=" in page.url

    visit("/workbench/supervision/bulletin/")
    page.fill("#month", "2026-09")
    page.dispatch_event("#month", "change")
    expect(page.locator("[data-format=pdf]")).to_have_attribute(
        "href", re.compile(r"/bulletin/2026-09\.pdf$")
    )

    centre = ServiceCentre.objects.order_by("pk").first()
    visit(f"/hall/{centre.pk}/")
    assert page.evaluate("document.body.dataset.dataUrl") == f"/hall/{centre.pk}/data/"
