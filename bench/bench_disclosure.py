"""Disclosure search over 10^4 and 10^5 publications: p50/p95 latency against a primary-key read (target p95 < 50 ms at 10^5)."""

import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection

from zhengwu.core import clock
from zhengwu.core.ids import make_uscc
from zhengwu.core.models import Organisation, Region
from zhengwu.disclosure import search, selectors, workflow
from zhengwu.disclosure.models import Publication

SIZES = (10_000, 100_000)
QUERIES = ["土地征收", "政府信息公开", "补偿標準", "教育", "农村 道路", "预算", "疫苗接种", "营商环境 优化"]
WORDS = (
    "关于 印发 通知 实施 办法 土地 征收 补偿 标准 教育 医疗 社会保障 就业 农村 道路 建设 项目 预算 决算 收费 "
    "环境 保护 安全 生产 食品 药品 监督 检查 公务员 招考 规划 统计 应急 预案 营商 优化 政务 服务 事项 目录 "
    "政府 信息 公开 年度 报告 城区 乡镇 街道 社区 疫苗 接种 防汛 抗旱 森林 防火 文化 旅游 体育 交通 运输"
).split()


def _timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _p(values, q):
    return statistics.quantiles(values, n=100)[q - 1]


def _fill(n: int, org, user, start: int) -> None:
    rng = random.Random(n)
    now = clock.now()
    batch = []
    templates = [" ".join(rng.sample(WORDS, 12)) for _ in range(500)]
    tokens = [search.tokens_for(title=t, document_number="", body=t) for t in templates]
    for i in range(start, n):
        k = rng.randrange(len(templates))
        batch.append(
            Publication(
                organisation=org,
                index_number=f"{org.uscc}/2025-{i:06d}",
                title=templates[k][:60].replace(" ", ""),
                document_number=f"贵府发〔2025〕{i}号",
                genre="notice",
                status=workflow.PUBLISHED,
                published_at=now,
                body=templates[k],
                search_tokens=tokens[k],
                created_by=user,
                created_at=now,
            )
        )
        if len(batch) == 5000:
            Publication.objects.bulk_create(batch)
            batch = []
    if batch:
        Publication.objects.bulk_create(batch)


def run() -> None:
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        region = Region.objects.create(code="360681", name="贵溪市", level=Region.Level.COUNTY)
        org = Organisation.objects.create(
            name="贵溪市人民政府",
            uscc=make_uscc("1", "1", "360681", "MB123456"),
            kind="government",
            region=region,
        )
        user = get_user_model().objects.create_user("bench")
        done = 0
        for size in SIZES:
            _fill(size, org, user, done)
            done = size
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("ANALYZE disclosure_publication")
            ids = list(Publication.objects.values_list("id", flat=True)[:1000])
            pk = _timed(lambda ids=ids: Publication.objects.get(pk=random.choice(ids)), 300)
            rows = []
            for q in QUERIES:
                rows += _timed(lambda q=q: list(selectors.search_publications(query=q)[:20]), 30)
            counted = selectors.search_publications(query=QUERIES[0]).count()
            p50, p95 = _p(rows, 50), _p(rows, 95)
            base50, base95 = _p(pk, 50), _p(pk, 95)
            verdict = "ok" if size < 100_000 or p95 < 50 else "SLOWER THAN TARGET"
            print(
                f"   {connection.vendor} n={size:>7,}: search first page p50 {p50:6.2f} ms  p95 {p95:6.2f} ms"
                f" | pk read p50 {base50:5.2f} ms p95 {base95:5.2f} ms | ratio p95 {p95 / base95:5.1f}x"
                f" | '{QUERIES[0]}' matches {counted:,} | target p95<50ms: {verdict}"
            )
    finally:
        creation.destroy_test_db(old_name, verbosity=0)
