"""Catalogue search at 1,000 and 10,000 published items: p50/p95 latency against a primary-key read (target p95 < 30 ms at 10^4)."""

import random
import statistics
import time

from django.db import connection

from zhengwu.catalog import matches, selectors
from zhengwu.catalog.demo import load_demo_catalogue
from zhengwu.catalog.models import ItemVersion, SearchEntry, SearchToken, ServiceItem
from zhengwu.core import clock
from zhengwu.core.demo import load_demo

SIZES = (1_000, 10_000)
TARGET_P95_MS = 30
PAGE = 20
RUNS = 12
# What people type: Chinese words and phrases, Traditional characters, full pinyin, initials, a code.
QUERIES = [
    "营业执照",
    "食品经营许可",
    "取水许可",
    "结婚登记",
    "低保",
    "怎么办理居住证",
    "公共场所卫生许可",
    "建筑工程施工许可",
    "社保卡 补办",
    "殡葬",
    "營業執照",
    "戶口遷移",
    "yyzz",
    "qsxk",
    "jiehundengji",
    "shebaoka",
]
# Counties of 江西 whose bodies implement the same basic items (one catalogue entry per county and item).
COUNTIES = (
    "贵溪市 余江区 月湖区 东湖区 西湖区 青云谱区 新建区 南昌县 进贤县 安义县 昌江区 珠山区 浮梁县 乐平市 "
    "安源区 湘东区 莲花县 上栗县 芦溪县 濂溪区 浔阳区 柴桑区 武宁县 修水县 永修县 德安县 都昌县 湖口县 彭泽县 "
    "瑞昌市 共青城市 庐山市 渝水区 分宜县 章贡区 南康区 赣县区 信丰县 大余县 上犹县 崇义县 安远县 定南县 全南县 "
    "宁都县 于都县 兴国县 会昌县 寻乌县 石城县 瑞金市 龙南市 吉州区 青原区 吉安县 吉水县 峡江县 新干县 永丰县"
).split()


def _timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def _search_page(query: str) -> None:
    """What the portal's search page asks of the database: the count and the first page, best first."""
    results = selectors.published(q=query)
    results.count()
    list(results[:PAGE])


def _search_page_explained(query: str) -> None:
    """The same, with why each row of the page matched (the portal's and the API's reasons: two reads more)."""
    results = selectors.published(q=query)
    results.count()
    matches.explain(list(results[:PAGE]), query)


def _grow_to(size: int, templates: list[tuple[SearchEntry, list[str]]], start: int) -> int:
    """Bulk-create index rows (with their item, version and tokens) copied from the demo's, up to `size` rows."""
    now, today = clock.now(), clock.today()
    serial = start
    while serial < size:
        chunk = range(serial, min(size, serial + 2000))
        rows = [(i, *templates[i % len(templates)]) for i in chunk]
        items = ServiceItem.objects.bulk_create(
            ServiceItem(
                code=f"B{i:017d}{t.item.basic_code}",
                basic_code=t.item.basic_code,
                item_type=t.item_type,
                organisation=t.organisation,
                status=ServiceItem.Status.ACTIVE,
                created_at=now,
            )
            for i, t, _tokens in rows
        )
        versions = ItemVersion.objects.bulk_create(
            ItemVersion(
                item=item,
                number=1,
                status=ItemVersion.Status.PUBLISHED,
                name=t.version.name,
                sub_name=t.version.sub_name,
                legal_limit=t.version.legal_limit,
                promised_limit=t.version.promised_limit,
                instant=t.version.instant,
                effective_on=today,
                created_at=now,
                published_at=now,
            )
            for item, (_i, t, _tokens) in zip(items, rows, strict=True)
        )
        for item, version in zip(items, versions, strict=True):
            item.current_version = version
        ServiceItem.objects.bulk_update(items, ["current_version"])
        county_of = {i: COUNTIES[(i // len(templates)) % len(COUNTIES)] for i, _t, _tokens in rows}
        entries = SearchEntry.objects.bulk_create(
            SearchEntry(
                item=item,
                version=version,
                organisation=t.organisation,
                code=item.code,
                item_type=t.item_type,
                display_name=t.display_name,
                name=t.name,
                text=t.text.replace("贵溪市", county_of[i]),
                pinyin=t.pinyin,
                initials=t.initials,
                targets=t.targets,
                themes=t.themes,
                life_events=t.life_events,
                online_depth=t.online_depth,
            )
            for item, version, (i, t, _tokens) in zip(items, versions, rows, strict=True)
        )
        SearchToken.objects.bulk_create(
            (
                SearchToken(entry=entry, token=token)
                for entry, (_i, _t, tokens) in zip(entries, rows, strict=True)
                for token in tokens
            ),
            batch_size=5000,
        )
        serial = chunk.stop
    return serial


def _measure(size: int) -> tuple[float, float, float, float]:
    with connection.cursor() as cursor:
        # The steady state autovacuum keeps on PostgreSQL: with the visibility map set, the (token, entry) index
        # answers token lookups alone (index-only scans) instead of visiting a heap page per posting.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    pks = list(SearchEntry.objects.values_list("pk", flat=True))
    rng = random.Random(size)
    for query in QUERIES:  # warm the caches (jieba, OpenCC, the database's pages)
        _search_page(query)
    search_ms = [ms for query in QUERIES for ms in _timed(lambda q=query: _search_page(q), RUNS)]
    baseline_ms = _timed(lambda: SearchEntry.objects.get(pk=rng.choice(pks)), len(search_ms))
    return _p(search_ms, 50), _p(search_ms, 95), _p(baseline_ms, 50), _p(baseline_ms, 95)


def run() -> None:
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        load_demo()
        load_demo_catalogue()
        templates = [
            (entry, list(entry.tokens.values_list("token", flat=True)))
            for entry in SearchEntry.objects.select_related("item", "version", "organisation")
        ]
        rows = len(templates)
        print(f"   {connection.vendor}; {len(QUERIES)} queries × {RUNS} runs; count + first {PAGE} results")
        for size in SIZES:
            rows = _grow_to(size, [(e, tokens) for e, tokens in templates], rows)
            tokens = SearchToken.objects.count()
            p50, p95, b50, b95 = _measure(size)
            verdict = "ok" if size < max(SIZES) or p95 < TARGET_P95_MS else f"OVER {TARGET_P95_MS} ms"
            print(
                f"   {size:>6} items ({tokens} tokens): search p50 {p50:6.2f} ms  p95 {p95:6.2f} ms | "
                f"pk read p50 {b50:5.2f} ms  p95 {b95:5.2f} ms | ratio p50 ×{p50 / b50:.0f}  "
                f"p95 ×{p95 / b95:.0f}  [{verdict}]"
            )
        slowest = sorted(
            ((statistics.median(_timed(lambda q=q: _search_page(q), 5)), q) for q in QUERIES), reverse=True
        )[:3]
        print("   slowest at 10,000: " + ", ".join(f"{q} {ms:.1f} ms" for ms, q in slowest))
        explained = [ms for q in QUERIES for ms in _timed(lambda q=q: _search_page_explained(q), RUNS)]
        print(
            f"   with the reasons of the page's rows at 10,000: p50 {_p(explained, 50):6.2f} ms  "
            f"p95 {_p(explained, 95):6.2f} ms"
        )
    finally:
        creation.destroy_test_db(old_name, verbosity=0)
