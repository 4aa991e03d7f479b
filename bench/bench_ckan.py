"""CKAN action API at 1,000 and 10,000 published items: package_search pages and package_list through the whole HTTP stack, against package_show of one item (target: a search page p95 < 100 ms at 10^4)."""

import random
import statistics

from django.db import connection
from django.test import Client, override_settings

from bench.bench_catalog import _grow_to, _p, _timed
from zhengwu.catalog.demo import load_demo_catalogue
from zhengwu.catalog.models import SearchEntry, SearchToken
from zhengwu.core.demo import load_demo

SIZES = (1_000, 10_000)
TARGET_P95_MS = 100
RUNS = 10
QUERIES = ["营业执照", "不动产", "食品经营许可", "社保卡 补办", "yyzz"]


def _call(client: Client, action: str, **params) -> object:
    response = client.get(f"/api/3/action/{action}", params)
    assert response.status_code == 200, response.content[:300]
    return response.json()["result"]


def _measure(client: Client, size: int) -> dict[str, list[float]]:
    codes = list(SearchEntry.objects.values_list("code", flat=True))
    rng = random.Random(size)
    for query in QUERIES:  # warm the caches (jieba, OpenCC, the database's pages)
        _call(client, "package_search", q=query, rows=20)
    cases = {
        "newest page (rows 20)": lambda: _call(client, "package_search", rows=20),
        "words, best first": lambda: [_call(client, "package_search", q=q, rows=20) for q in QUERIES],
        "harvest page id asc (last 100)": lambda: _call(
            client, "package_search", rows=100, start=size - 100, sort="id asc"
        ),
        "package_list (all names)": lambda: _call(client, "package_list"),
        "baseline package_show": lambda: _call(client, "package_show", id=rng.choice(codes)),
    }
    timings = {name: _timed(fn, RUNS) for name, fn in cases.items()}
    timings["words, best first"] = [ms / len(QUERIES) for ms in timings["words, best first"]]
    return timings


def run() -> None:
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        with override_settings(ZHENGWU_CKAN_RATE_LIMIT="1000000/m", ALLOWED_HOSTS=["testserver"]):
            load_demo()
            load_demo_catalogue()
            templates = [
                (entry, list(entry.tokens.values_list("token", flat=True)))
                for entry in SearchEntry.objects.select_related("item", "version", "organisation")
            ]
            rows = len(templates)
            client = Client()
            print(f"   {connection.vendor}; {RUNS} runs each; through the test client (URL, view, JSON)")
            for size in SIZES:
                rows = _grow_to(size, templates, rows)
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
                timings = _measure(client, size)
                base = statistics.median(timings["baseline package_show"])
                print(f"   {size:>6} items ({SearchToken.objects.count()} tokens):")
                for name, values in timings.items():
                    verdict = ""
                    if name == "words, best first" and size == max(SIZES):
                        verdict = (
                            "  [ok]" if _p(values, 95) < TARGET_P95_MS else f"  [OVER {TARGET_P95_MS} ms]"
                        )
                    print(
                        f"      {name:<32} p50 {_p(values, 50):7.1f} ms  p95 {_p(values, 95):7.1f} ms  "
                        f"×{statistics.median(values) / base:5.1f} of package_show{verdict}"
                    )
    finally:
        creation.destroy_test_db(old_name, verbosity=0)
