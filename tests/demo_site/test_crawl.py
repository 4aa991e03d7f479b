"""The crawler: every page each demo role can reach by following links answers, and answers properly.

With the whole demo loaded (the county, then each domain's `load_demo()` the way `zhengwu demo` runs them), the
anonymous visitor and every demo login start at `/` (staff also at `/workbench/`) and follow each same-site link —
`<a href>` and htmx `hx-get` — breadth first, GET only. No response may be a 5xx; a page reached by a link a person
was shown may not answer 4xx (a link shown must work: hide it from whoever may not follow it); every HTML page is
`<html lang="zh-Hans">` with a `<title>`; and the text a person reads on each page outside Django admin (not
attributes, scripts, styles, `<code>`, URLs or e-mail addresses) holds no snake_case word and none of the platform's
English codes — every action and state of the domains' workflow tables (`platform_words`, built from the tables)
and the names of system actors —, each offending page named with its text.

To keep the run short it samples: a few records per URL pattern in all the roles' crawls together — every role visits
each view it reaches at least once, with its own menus, buttons and scope, and more records only while the roles before
it have not read the pattern's few (fewer in Django admin, and only one for the public pages when a staff member
crawls, since the anonymous crawl covers them), a few query strings per path, and each kind
of download (PDF, workbook) once per run. On PostgreSQL it takes one record per URL pattern and one query string per
path: every view a role can reach still answers on the production database, while the many records of one view —
what its template shows, the same on either engine — are read on SQLite (this halves the crawl's ~100 s of CPU
there). Files (PDF, workbooks) are fetched on SQLite only: each kind's own tests make it on both engines, and making
them again here cost the PostgreSQL run about 10 s of CPU. `pytest tests/demo_site/test_crawl.py -s` prints the pages
each role visited.
"""

import re
import time
import traceback
from collections import Counter, deque
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve
from lxml import etree

from zhengwu.core.demo import demo_password

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
# The records each view was visited with, by the roles crawled before in this run: a role visits every view it reaches
# at least once (its own menus, buttons and scope), and more records of a view only while the roles before it have not
# sampled its PATHS_PER_VIEW yet — the case page read for five cases by the clerk is read for one case by each of the
# six other staff roles that reach it, instead of five again (a third of the crawl's pages were such repeats).
_paths_sampled: dict[str, set[str]] = {}

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
    "cashier",  # the fee window: every fee page it reaches, the two-step collection's first step included
]
SKIP_PREFIXES = (
    "/static/",  # WhiteNoise's files, not pages
    "/accounts/logout/",  # sign-out (a POST form today; never follow it should it become a link)
    "/admin/logout/",
)
IGNORED_PARAMETERS = ("_changelist_filters=",)  # admin's way back to a filtered list: the same page again
HTML_TAG = re.compile(r"<html[\s>]", re.IGNORECASE)  # the page's own <html> (a fragment has none)
SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "sms:")

# Visible text: a person reads it, so it is Chinese. Not prose: scripts, styles, code and what a form holds.
NOT_PROSE = frozenset({"script", "style", "code", "pre", "kbd", "samp", "template", "textarea", "svg"})
NOT_WORDS = re.compile(
    r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w/])/[\w./?=&%-]*"  # URLs, e-mail, paths
)
# Chinese characters are word characters to `\b`: 执行了decide操作 has no boundary, so look for Latin letters around.
SNAKE_CASE = re.compile(r"(?<![A-Za-z0-9_])[a-z]+_[a-z_]+(?![A-Za-z0-9])")
ASCII_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9_])")
# English a person may read: names of formats, protocols and products, and the hotline's number.
ENGLISH_ALLOWED = frozenset({"api", "pdf", "excel", "open311", "ckan", "json", "htmx", "12345"})
# Words of the platform's own vocabulary that are not a workflow code: system actors and common states.
ENGLISH_FORBIDDEN_EXTRA = frozenset(
    {"system", "scheduled", "demo", "draft", "issue", "pending", "open", "closed", "none", "true", "false"}
)


def platform_words() -> frozenset[str]:
    """Every action and state code in the domains' workflow tables, and the names of system actors: a person who
    reads one of these has been shown a code instead of its label. Built from the tables, so it cannot go stale."""
    from zhengwu.cases import workflow as case_flow
    from zhengwu.cases.models import CaseStep, ExtensionRequest
    from zhengwu.cases.models import Status as CaseStatus
    from zhengwu.disclosure import workflow as disclosure_flow
    from zhengwu.evaluation import rules as rating_rules
    from zhengwu.evaluation.models import Appeal, RectificationState
    from zhengwu.supervision.models import ORDER_ACTION_LABELS, Alert, SupervisionOrder
    from zhengwu.tickets import workflow as ticket_flow
    from zhengwu.tickets.models import Extension
    from zhengwu.tickets.models import Status as TicketStatus

    codes = {
        *case_flow.TRANSITIONS,
        *CaseStatus.values,
        *CaseStep.State.values,
        *ExtensionRequest.State.values,
        *ticket_flow.TRANSITIONS,
        *TicketStatus.values,
        *Extension.Decision.values,
        *disclosure_flow.ACTION_LABELS,
        *disclosure_flow.PUBLICATION_STATES,
        *disclosure_flow.REQUEST_STATES,
        *rating_rules.ACTION_LABELS,
        *RectificationState.values,
        *Appeal.State.values,
        *Alert.State.values,
        *SupervisionOrder.State.values,
        *ORDER_ACTION_LABELS,
    }
    return frozenset(code.lower() for code in codes if "_" not in code) | ENGLISH_FORBIDDEN_EXTRA


def untranslated(texts: list[str], words: frozenset[str], *, own: frozenset[str] = frozenset()) -> list[str]:
    """The snake_case codes and English vocabulary words in a page's pieces of visible text, each with its piece.
    `own`: identifiers the reader has every right to see, such as their own user name."""
    found = []
    for text in texts:
        text = " ".join(NOT_WORDS.sub(" ", text).split())
        hits = SNAKE_CASE.findall(text) + [
            w for w in ASCII_WORD.findall(text) if w.lower() in words and w.lower() not in ENGLISH_ALLOWED
        ]
        hits = [hit for hit in hits if hit not in own]
        found.extend(f"「{hit}」 in “{text[:60]}”" for hit in dict.fromkeys(hits))
    return found


class PageParser:
    """Collects the links (`<a href>`, `hx-get`) of a page, its `<html lang>`, whether it has a `<title>`, and the
    text a person reads on it (not attributes, scripts, styles or `<code>`): one piece for each run of text between
    two tags, as Python's html.parser gave them.

    libxml2 reads the page (lxml's parser calling this object back for each tag and piece of text): Python's
    html.parser, in pure Python, took ~10 ms of CPU for a 35 KB page, about a fifth of the crawl's; this takes ~3 ms.
    libxml2 puts in the `<html>` of a fragment (an htmx answer) itself, so whether the page has its own is read from
    the text."""

    def __init__(self):
        self.links: list[tuple[str, bool]] = []  # (url, is_htmx)
        self.lang: str | None = None
        self.has_html_tag = False
        self.title = ""
        self._in_title = False
        self.text: list[str] = []
        self._hidden: list[str] = []  # the open tags whose text is not prose (script, style, code …)
        self._run: list[str] = []  # the text since the last tag (libxml2 hands it over in several pieces)

    def feed(self, html: str) -> None:
        self.has_html_tag = HTML_TAG.search(html) is not None
        parser = etree.HTMLParser(target=self)
        parser.feed(html)
        parser.close()

    def _end_of_run(self):
        if self._run:
            self.text.append("".join(self._run))
            self._run = []

    def start(self, tag, attrs):
        self._end_of_run()
        if tag == "html":  # the one libxml2 puts in has no lang
            self.lang = attrs.get("lang")
        elif tag == "title":
            self._in_title = True
        if tag == "a" and attrs.get("href"):
            self.links.append((attrs["href"], False))
        if attrs.get("hx-get"):
            self.links.append((attrs["hx-get"], True))
        if tag in NOT_PROSE:
            self._hidden.append(tag)

    def end(self, tag):
        self._end_of_run()
        if tag == "title":
            self._in_title = False
        if tag in self._hidden:
            while self._hidden and self._hidden.pop() != tag:
                pass

    def data(self, data):
        if self._in_title:
            self.title += data
        if not self._hidden:
            self._run.append(data)

    def comment(self, text):
        self._end_of_run()

    def close(self):
        self._end_of_run()


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
    last = path.rstrip("/").rsplit("/", 1)[
        -1
    ]  # …/pdf/ — a file, named by its last segment instead of a suffix
    if last in DOWNLOAD_FORMATS:
        return last
    wanted = parse_qs(query).get("format", [""])[-1]
    return wanted if wanted in DOWNLOAD_FORMATS else ""


def _view_of(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.route or match.view_name or path


def _one_of_each() -> bool:
    """On PostgreSQL the crawl samples one record per URL pattern and one query string per path (module docstring)."""
    return connection.vendor != "sqlite"


def _paths_per_view(path: str, *, staff: bool, view: str = "") -> int:
    if _one_of_each():
        return 1
    if path.startswith("/admin/"):
        wanted = ADMIN_PATHS_PER_VIEW
    elif staff and not path.startswith("/workbench/"):
        wanted = PUBLIC_PATHS_PER_VIEW_FOR_STAFF
    else:
        wanted = PATHS_PER_VIEW
    return max(1, wanted - len(_paths_sampled.get(view, ())))


def _queries_per_path(path: str) -> int:
    return ADMIN_QUERIES_PER_PATH if path.startswith("/admin/") or _one_of_each() else QUERIES_PER_PATH


def crawl(
    client: Client,
    starts: list[str],
    *,
    staff: bool,
    words: frozenset[str] = frozenset(),
    own: frozenset[str] = frozenset(),
):
    """Breadth-first over the links each page shows; returns (pages visited, problems, [(seconds, url)]). A page
    outside Django admin whose visible text holds a snake_case code or one of `words` (other than the reader's `own`
    identifiers) is a problem too."""
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
            if queries_of_path[path] > _queries_per_path(path):
                continue
        view = _view_of(path)
        download = _download_kind(path, parts.query)
        if download:
            if (view, download) in _downloads_checked or _one_of_each():
                continue
            _downloads_checked.add((view, download))
        view_paths = paths_of_view.setdefault(view, set())
        if path not in view_paths:
            if len(view_paths) >= _paths_per_view(path, staff=staff, view=view):
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
        if not path.startswith("/admin/"):
            problems.extend(f"English {hit} on {where}" for hit in untranslated(parser.text, words, own=own))
        for link, is_htmx in parser.links:
            target = _internal(urljoin(url, link))
            if target and target not in seen:
                queue.append((target, url, is_htmx))
    for view, paths in paths_of_view.items():  # for the roles crawled after this one
        _paths_sampled.setdefault(view, set()).update(paths)
    return visited, problems, timings


@pytest.mark.parametrize("username", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_every_reachable_page_answers(demo_site, username):
    client = Client()
    starts = ["/"]
    if username:
        response = client.post("/accounts/login/", {"username": username, "password": demo_password()})
        assert response.status_code == 302, f"{username} could not sign in"
        starts.append("/workbench/")
    started = time.monotonic()
    visited, problems, timings = crawl(
        client,
        starts,
        staff=username is not None,
        words=platform_words(),
        own=frozenset({username} if username else ()),
    )
    slowest = ", ".join(f"{url} {seconds:.1f} s" for seconds, url in sorted(timings, reverse=True)[:2])
    print(
        f"\n{username or 'anonymous'}: {visited} pages in {time.monotonic() - started:.1f} s (slowest: {slowest})"
    )
    assert not problems, f"{username or 'anonymous'}: {len(problems)} problems\n" + "\n".join(problems)


def test_the_word_check_reads_only_what_a_person_reads():
    """The check behind the crawl: codes in visible text are found (also glued to Chinese), not those in scripts,
    styles, `<code>`, attributes, URLs or e-mail addresses, nor the names of formats and the reader's own name."""
    parser = PageParser()
    parser.feed(
        '<html lang="zh-Hans"><title>办件</title><style>.a_b{}</style><script>var case_step = 1;</script>'
        '<p>2026-11-19 张丽华 claim_step</p><p>执行了decide操作,「issue」</p><p title="deem_accept">发布人:system</p>'
        '<code>annual_report</code><a href="/workbench/cases/?queue=to_accept">待受理</a>'
        "<p>见 https://example.org/a_b 或 zhang_san@example.org;导出 PDF、Excel,API 与 Open311</p>"
        "<p>您当前已以 housing_head 登录</p></html>"
    )
    found = untranslated(parser.text, platform_words(), own=frozenset({"housing_head"}))
    words = [hit.split("」")[0].lstrip("「") for hit in found]
    assert words == ["claim_step", "decide", "issue", "system"], found
