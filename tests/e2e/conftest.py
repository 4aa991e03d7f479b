"""Browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Every test here is marked `e2e` (run them with `pytest -m e2e`). Each page a test visits is saved as a screenshot of
what the window shows (1366×900, JPEG) under test-artifacts/screenshots/<test>-<n>.jpg for people to look at; a test
that fails also leaves the whole page as it was then, <test>-failed.png.
"""

import os
import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there unless told it is fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1366, "height": 900}

# How long an action or a page may take: a first page on a busy two-core machine (the two suites and a sealing job
# beside, or faketime) took over 10 s in `make test-dates`; a journey that works waits no longer for it.
BUSY_TIMEOUT_MS = 30_000


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def _sqlite_waits_for_table_locks():
    """The live server answers the browser's requests in threads of its own; on SQLite's in-memory test database
    (shared cache) a statement meeting another's table lock fails at once with "database table is locked" — the
    browser then sees the 503 page — where the database file `make run` uses waits for it (busy timeout). Every
    statement of the browser tests waits for such a lock as the file would (tests/conftest.py: up to 10 s); seen
    in make test as a 503 on 保存草稿 while the page's own htmx check of the same form was being answered."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    from tests.conftest import _waiting_for_table_locks

    execute, executemany = SQLiteCursorWrapper.execute, SQLiteCursorWrapper.executemany
    SQLiteCursorWrapper.execute = lambda self, query, params=None: _waiting_for_table_locks(
        lambda: execute(self, query, params)
    )
    SQLiteCursorWrapper.executemany = lambda self, query, param_list: _waiting_for_table_locks(
        lambda: executemany(self, query, param_list)
    )
    try:
        yield
    finally:
        SQLiteCursorWrapper.execute, SQLiteCursorWrapper.executemany = execute, executemany


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/system-deps.sh)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.fixture
def fast_passwords(settings):
    """Demo accounts hashed with a fast hasher: the live server runs in this process and reads these settings."""
    settings.PASSWORD_HASHERS = [FAST_HASHER]


class DemoSnapshots:
    """The demo county, and the county with its catalogue, loaded once per run and kept as in-memory SQLite copies:
    a test starts from a copy in milliseconds instead of loading the 172 items again (seconds, through the services).
    On PostgreSQL (`DATABASE_URL` set) each test loads what it needs instead."""

    def __init__(self):
        self.copies: dict[str, sqlite3.Connection] = {}
        self.county = None  # the DemoSummary of the load (logins …)

    def take(self, name: str) -> None:
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        _raw_connection().backup(copy)
        self.copies[name] = copy

    def restore(self, name: str) -> None:
        self.copies[name].backup(_raw_connection())


def _raw_connection() -> sqlite3.Connection:
    from django.db import connection

    connection.ensure_connection()
    return connection.connection


def _on_sqlite() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite"


@pytest.fixture(scope="session")
def demo_snapshots(django_db_setup, django_db_blocker):
    """Loads the demo at the suite's starting moment (a session fixture runs before the per-test clock is set)."""
    from django.test import override_settings

    from tests.conftest import TEST_START
    from zhengwu.catalog.demo import load_demo_catalogue
    from zhengwu.core import clock
    from zhengwu.core.demo import load_demo

    snapshots = DemoSnapshots()
    if not _on_sqlite():
        return snapshots
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        clock.run_from(TEST_START)
        try:
            snapshots.take("empty")
            snapshots.county = load_demo()
            snapshots.take("county")
            report = load_demo_catalogue()
            assert not report.problems, report.problems[:3]
            snapshots.take("catalogue")
            snapshots.restore("empty")
        finally:
            clock.set_now(None)
    return snapshots


@pytest.fixture
def demo_county(transactional_db, fast_passwords, demo_snapshots):
    """The demo county (贵溪市) in the live server's database."""
    if not demo_snapshots.copies:
        from zhengwu.core.demo import load_demo

        return load_demo()
    demo_snapshots.restore("county")
    return demo_snapshots.county


@pytest.fixture
def demo_catalogue(transactional_db, fast_passwords, demo_snapshots):
    """The demo county with its 172 published items in the live server's database."""
    if not demo_snapshots.copies:
        from zhengwu.catalog.demo import load_demo_catalogue
        from zhengwu.core.demo import load_demo

        summary = load_demo()
        report = load_demo_catalogue()
        assert not report.problems, report.problems[:3]
        return summary
    demo_snapshots.restore("catalogue")
    return demo_snapshots.county


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=VIEWPORT, base_url=live_server.url
    )
    context.set_default_timeout(BUSY_TIMEOUT_MS)
    yield context
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test, so the page fixture knows at teardown whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"_report_{report.when}", report)


@pytest.fixture
def page(context, request):
    """A new page; the test fails if the browser reports a Content-Security-Policy violation on it (an inline
    script or a resource from elsewhere that settings.CONTENT_SECURITY_POLICY does not allow). A failed test leaves
    a full-page screenshot of where it stopped (<test>-failed.png)."""
    page = context.new_page()
    violations: list[str] = []

    def watch(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", watch)
    yield page
    report = getattr(request.node, "_report_call", None)
    if report is not None and report.failed and not page.is_closed():
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{stem}-failed.png"), full_page=True)
        except Exception:  # noqa: BLE001 — a page that cannot be captured must not hide the test's own failure
            pass
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


class Screenshots:
    """Saves screenshots numbered in the order taken: <test>-1.jpg, <test>-2.jpg … — what the window shows, as JPEG:
    a full-page PNG cost Chromium 0.1–0.2 s of CPU each (216 a run, 40 MB); this costs about a third of that."""

    def __init__(self, page, test_name: str):
        self.page = page
        self.stem = re.sub(r"[^\w.-]+", "_", test_name).strip("_")
        self.taken: list[Path] = []

    def __call__(self) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.stem}-{len(self.taken) + 1}.jpg"
        try:
            self.page.screenshot(path=str(path), type="jpeg", quality=75)
        except PlaywrightError as error:
            # Chromium answers this when no frame is ready (the page still swapping what a click asked for, on a
            # loaded machine): once more when the page has settled; anything else is the test's failure
            if "Unable to capture screenshot" not in str(error):
                raise
            self.page.wait_for_load_state()
            self.page.wait_for_timeout(250)
            self.page.screenshot(path=str(path), type="jpeg", quality=75)
        self.taken.append(path)
        return path


@pytest.fixture
def shot(page, request):
    """shot() saves a screenshot of what the window shows now."""
    return Screenshots(page, request.node.name)


@pytest.fixture
def visit(page, shot):
    """visit(path) opens a page of the live server, waits for it to settle, and saves its screenshot."""

    def go(path: str):
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        shot()
        return response

    return go


@pytest.fixture
def sign_in(page, shot):
    """sign_in(username, password) fills the staff sign-in form the way a person would, screenshot before sending."""

    def fill(username: str, password: str):
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        shot()
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        page.wait_for_load_state("networkidle")

    return fill


@pytest.fixture
def citizen_sign_in(page):
    """citizen_sign_in(phone, password) signs an applicant in on the portal, the way a person would (cookies of
    anyone signed in before are dropped first)."""

    def fill(phone: str, password: str):
        page.context.clear_cookies()
        page.goto("/cases/signin/")
        page.get_by_label("手机号码或电子邮箱").fill(phone)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()

    return fill
