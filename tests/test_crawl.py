"""The crawler: every page each demo role can reach by following links answers, and answers properly.

With the whole demo loaded (the county, then each domain's `load_demo()` the way `zhengwu demo` runs them), the
anonymous visitor and every demo login start at `/` (staff also at `/workbench/`) and follow each same-site link —
`<a href>` and htmx `hx-get` — breadth first, GET only. No response may be a 5xx; a page reached by a link a person
was shown may not answer 4xx (a link shown must work: hide it from whoever may not follow it); every HTML page is
`<html lang="zh-Hans">` with a `<title>`.

To keep the run short it samples: a few records per URL pattern (fewer in Django admin, and only one for the public
pages when a staff member crawls, since the anonymous crawl covers them), a few query strings per path, and each kind
of download (PDF, workbook) once per run. `pytest tests/test_crawl.py -s` prints the pages each role visited.
"""

import time
import traceback
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections, transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from zhengwu.core.demo import demo_password, load_demo
from zhengwu.core.management.commands.demo import load_domain_demos

MAX_PAGES = 400  # per role
QUERIES_PER_PATH = 3  # distinct query strings followed per path: page 2 of a list, not pages 2..40
PATHS_PER_VIEW = 5  # distinct paths followed per URL pattern (a few case pages, not all of them)
ADMIN_PATHS_PER_VIEW = 2  # Django admin's change, history and delete pages are alike for every record
ADMIN_QUERIES_PER_PATH = 1  # …and its lists sorted by each column are the same list
PUBLIC_PATHS_PER_VIEW_FOR_STAFF = (
    1  # the anonymous crawl samples the public pages; staff see them much the same
)
DOWNLOAD_SUFFIXES = (".pdf", ".xlsx", ".csv", ".json", ".zip")
DOWNLOAD_FORMATS = ("pdf", "xlsx", "csv", "json")  # ?format=… on a report page
_downloads_checked: set[tuple[str, str]] = (
    set()
)  # (view, kind): slow to make, so each is fetched once per run

ROLES = [
    None,  # the anonymous visitor
    "clerk",
    "market",
    "approver",
    "head",
    "manager",
    "supervisor",
    "disclosure",
    "hotline",
    "admin",
]
SKIP_PREFIXES = (
    "/static/",  # WhiteNoise's files, not pages
    "/accounts/logout/",  # sign-out (a POST form today; never follow it should it become a link)
    "/admin/logout/",
)
IGNORED_PARAMETERS = ("_changelist_filters=",)  # admin's way back to a filtered list: the same page again
SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "sms:")


class PageParser(HTMLParser):
    """Collects the links (`<a href>`, `hx-get`) of a page, its `<html lang>` and whether it has a `<title>`."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, bool]] = []  # (url, is_htmx)
        self.lang: str | None = None
        self.has_html_tag = False
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.has_html_tag = True
            self.lang = attrs.get("lang")
        elif tag == "title":
            self._in_title = True
        if tag == "a" and attrs.get("href"):
            self.links.append((attrs["href"], False))
        if attrs.get("hx-get"):
            self.links.append((attrs["hx-get"], True))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for this module (~20 s on SQLite) inside a transaction that is rolled back at its
    end, so the rest of the suite still starts from an empty database (each test runs in a savepoint inside it)."""
    with django_db_blocker.unblock():
        started = time.monotonic()
        atomics = [transaction.atomic(using=alias) for alias in connections]
        for atomic in atomics:
            atomic.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                load_demo()
                load_domain_demos()
            print(f"\ndemo loaded in {time.monotonic() - started:.1f} s")
            yield
        finally:
            for alias in connections:
                transaction.set_rollback(True, using=alias)
            for atomic in reversed(atomics):
                atomic.__exit__(None, None, None)
            cache = caches["default"]
            if isinstance(
                cache, LocMemCache
            ):  # rate-limit counters the crawl ran up; a shared Redis is left alone
                cache.clear()


def dash_line_selects(path: str, html: str, where: str) -> list[str]:
    """A select box of the portal or the workbench starts with 请选择, never Django's "---------" (Django admin's
    own forms are left as Django makes them)."""
    if path.startswith("/admin/") or ">---------</option>" not in html:
        return []
    return [f'a select starts with "---------" {where}']


def _internal(url: str) -> str | None:
    """The same-site path and query of a link, or None for external links, fragments and non-HTTP schemes."""
    url = url.strip()
    if not url or url.startswith("#") or url.lower().startswith(SKIP_SCHEMES):
        return None
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc.split(":")[0] not in ("testserver", "localhost", "127.0.0.1"):
        return None
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith(IGNORED_PARAMETERS))
    return parts.path + (f"?{query}" if query else "")


def _where_it_failed(exc: BaseException) -> str:
    """The exception with the last frames of its traceback, enough to find the line."""
    frames = traceback.format_tb(exc.__traceback__)[-3:]
    return "".join(frames) + f"{type(exc).__name__}: {exc}"


def _download_kind(path: str, query: str) -> str:
    """ "pdf", "xlsx" … for a link to a file rather than a page, else ""."""
    if path.endswith(DOWNLOAD_SUFFIXES):
        return path.rsplit(".", 1)[1]
    wanted = parse_qs(query).get("format", [""])[-1]
    return wanted if wanted in DOWNLOAD_FORMATS else ""


def _view_of(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.route or match.view_name or path


def _paths_per_view(path: str, *, staff: bool) -> int:
    if path.startswith("/admin/"):
        return ADMIN_PATHS_PER_VIEW
    if staff and not path.startswith("/workbench/"):
        return PUBLIC_PATHS_PER_VIEW_FOR_STAFF
    return PATHS_PER_VIEW


def crawl(client: Client, starts: list[str], *, staff: bool):
    """Breadth-first over the links each page shows; returns (pages visited, problems, [(seconds, url)])."""
    queue: deque[tuple[str, str | None, bool]] = deque((start, None, False) for start in starts)
    seen: set[str] = set()
    queries_of_path: Counter = Counter()
    paths_of_view: dict[str, set[str]] = {}
    problems: list[str] = []
    timings: list[tuple[float, str]] = []
    visited = 0
    while queue and visited < MAX_PAGES:
        url, referrer, htmx = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        path = parts.path
        if path.startswith(SKIP_PREFIXES):
            continue
        if parts.query:
            queries_of_path[path] += 1
            admin = path.startswith("/admin/")
            if queries_of_path[path] > (ADMIN_QUERIES_PER_PATH if admin else QUERIES_PER_PATH):
                continue
        view = _view_of(path)
        download = _download_kind(path, parts.query)
        if download:
            if (view, download) in _downloads_checked:
                continue
            _downloads_checked.add((view, download))
        view_paths = paths_of_view.setdefault(view, set())
        if path not in view_paths:
            if len(view_paths) >= _paths_per_view(path, staff=staff):
                continue
            view_paths.add(path)
        headers = {"HX-Request": "true"} if htmx else {}
        started = time.monotonic()
        try:
            response = client.get(url, headers=headers)
        except Exception as exc:  # the test client re-raises a view's exception: that is a 500
            problems.append(f"500 {url} (from {referrer}):\n{_where_it_failed(exc)}")
            visited += 1
            continue
        timings.append((time.monotonic() - started, url))
        visited += 1
        status = response.status_code
        where = f"{url} (from {referrer or 'start'})"
        if status >= 400:
            problems.append(f"{status} {where}")
            continue
        if status in (301, 302, 303, 307, 308):
            target = _internal(urljoin(url, response["Location"]))
            if target and target not in seen:
                queue.append((target, url, False))
            continue
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html") or getattr(response, "streaming", False):
            continue
        parser = PageParser()
        html = response.content.decode(response.charset or "utf-8", errors="replace")
        parser.feed(html)
        problems += dash_line_selects(path, html, where)
        if parser.has_html_tag or not htmx:  # htmx answers may be fragments; full pages must be complete
            if (parser.lang or "").lower() != "zh-hans":  # language tags are case-insensitive (BCP 47)
                problems.append(f'lang="{parser.lang}" {where}')
            if not parser.title.strip():
                problems.append(f"no <title> {where}")
        for link, is_htmx in parser.links:
            target = _internal(urljoin(url, link))
            if target and target not in seen:
                queue.append((target, url, is_htmx))
    return visited, problems, timings


@pytest.mark.django_db
# One worker takes every role, so the demo is loaded once per run (`--dist loadgroup` in scripts/test.sh).
@pytest.mark.xdist_group("demo_site")
@pytest.mark.parametrize("username", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_every_reachable_page_answers(demo_site, username):
    client = Client()
    starts = ["/"]
    if username:
        response = client.post("/accounts/login/", {"username": username, "password": demo_password()})
        assert response.status_code == 302, f"{username} could not sign in"
        starts.append("/workbench/")
    started = time.monotonic()
    visited, problems, timings = crawl(client, starts, staff=username is not None)
    slowest = ", ".join(f"{url} {seconds:.1f} s" for seconds, url in sorted(timings, reverse=True)[:2])
    print(
        f"\n{username or 'anonymous'}: {visited} pages in {time.monotonic() - started:.1f} s (slowest: {slowest})"
    )
    assert not problems, f"{username or 'anonymous'}: {len(problems)} problems\n" + "\n".join(problems)
