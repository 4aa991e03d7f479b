"""Tickets: filing through the API, knowledge-base search p95, dispatch suggestion latency and accuracy.

Runs in a throw-away test database. Each figure is printed with a baseline measured in the same run: filing through
the service layer directly, a plain `icontains` scan of the knowledge base, and the majority-class dispatcher.
Dispatch is measured on the demo county's history (`tickets.demo_history`: past 12345 calls as operators record them,
with their noise) at several sizes: the most recent 20 % are held back, and the figures are how often the lead was
the first suggestion (top-1) and among the first three (top-3), and how often each word (很可能 / 可能 / 也可能) the
operator would have seen was right.
"""

import random
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

DUTIES = {
    "瑞金市住房和城乡建设局": [
        "小区物业",
        "电梯故障",
        "燃气管道",
        "违章搭建",
        "施工噪音",
        "物业费",
        "房屋漏水",
        "建筑工地",
    ],
    "瑞金市交通运输局": [
        "公交车",
        "出租车拒载",
        "客运班车",
        "公交站台",
        "网约车",
        "道路坑洼",
        "公交线路",
        "驾校",
    ],
    "瑞金市人力资源和社会保障局": [
        "拖欠工资",
        "养老保险",
        "社保卡",
        "失业金",
        "劳动合同",
        "工伤认定",
        "医保报销",
        "就业补贴",
    ],
    "瑞金市市场监督管理局": [
        "食品安全",
        "过期食品",
        "价格欺诈",
        "假冒伪劣",
        "消费维权",
        "商家退款",
        "药店",
        "计量不准",
    ],
    "瑞金市生态环境局": [
        "污水排放",
        "垃圾焚烧",
        "废气污染",
        "河道污染",
        "养殖污染",
        "噪声污染",
        "扬尘",
        "化工异味",
    ],
    "瑞金市教育局": [
        "学校收费",
        "校车安全",
        "入学报名",
        "课外培训",
        "教师体罚",
        "学位分配",
        "食堂卫生",
        "转学手续",
    ],
}


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _world():
    from django.contrib.auth import get_user_model

    from zhengwu.core.ids import make_uscc
    from zhengwu.core.models import Organisation, Region, Role, Staff, StaffRole
    from zhengwu.tickets.models import Category

    county = Region.objects.create(code="360781", name="瑞金市", level=Region.Level.COUNTY)
    orgs = [
        Organisation.objects.create(
            name=name,
            uscc=make_uscc("1", "1", "360781", f"{i + 1:08d}"),
            region=county,
            duties=" ".join(words),
        )
        for i, (name, words) in enumerate(DUTIES.items())
    ]
    centre = Organisation.objects.create(
        name="政务服务中心", uscc=make_uscc("1", "1", "360781", "00000099"), region=county
    )
    user = get_user_model().objects.create_user("bench-operator", password="bench-password-1")
    staff = Staff.objects.create(user=user, name="话务员", organisation=centre)
    StaffRole.objects.create(staff=staff, role=Role.HOTLINE_OPERATOR)
    category = Category.objects.create(code="general", name="综合")
    return orgs, user, category


def bench_filing(user, category, sizes=(100, 400)):
    from zhengwu.tickets import services

    client = Client()
    client.force_login(user)
    payload = {
        "kind": "complaint",
        "category": category.code,
        "content": "小区电梯故障多次反映无人处理",
        "caller_name": "张伟",
        "caller_phone": "13979712345",
    }
    for n in sizes:
        started = time.perf_counter()
        for _ in range(n):
            r = client.post("/api/tickets/", payload, content_type="application/json")
            assert r.status_code == 201, r.content
        api_rate = n / (time.perf_counter() - started)
        started = time.perf_counter()
        for _ in range(n):
            services.file_ticket(
                kind="complaint",
                channel="hotline",
                category=category,
                content=payload["content"],
                caller_name="张伟",
                caller_phone="13979712345",
                by=user,
            )
        service_rate = n / (time.perf_counter() - started)
        print(
            f"   filing n={n}: API {api_rate:.0f}/s, service layer {service_rate:.0f}/s "
            f"(API/service = {api_rate / service_rate:.2f})"
        )


def bench_knowledge(orgs, sizes=(1_000, 10_000), queries=200):
    from django.db.models import Q

    from zhengwu.core import clock
    from zhengwu.tickets import knowledge
    from zhengwu.tickets.models import KnowledgeEntry, KnowledgeTerm

    rng = random.Random(11)
    vocabulary = [w for words in DUTIES.values() for w in words]
    made = 0
    for size in sizes:
        batch = []
        for i in range(made, size):
            a, b = rng.sample(vocabulary, 2)
            batch.append(
                KnowledgeEntry(
                    title=f"{a}{b}怎么办理第{i}号",
                    answer=f"关于{a}和{b}的答复:请携带材料到窗口办理。",
                    owner=rng.choice(orgs),
                    updated_at=clock.now(),
                )
            )
        KnowledgeEntry.objects.bulk_create(batch, batch_size=1000)
        terms = [
            KnowledgeTerm(entry=e, term=t, weight=w)
            for e in batch
            for t, w in knowledge.terms_of(e.title, e.keywords, e.answer).items()
        ]
        KnowledgeTerm.objects.bulk_create(terms, batch_size=5000)
        made = size
        asked = [rng.choice(vocabulary) + rng.choice(["怎么办", "如何处理", ""]) for _ in range(queries)]
        asked[::4] = [knowledge.text.pinyin_terms(rng.choice(vocabulary))[1] for _ in asked[::4]]
        today = clock.today()
        timings = []
        for q in asked:
            started = time.perf_counter()
            knowledge.search(q, today=today)
            timings.append(time.perf_counter() - started)
        scan = []
        for q in asked:
            started = time.perf_counter()
            list(KnowledgeEntry.objects.filter(Q(title__icontains=q) | Q(answer__icontains=q))[:10])
            scan.append(time.perf_counter() - started)
        p95, scan95 = _percentile(timings, 95) * 1000, _percentile(scan, 95) * 1000
        print(
            f"   knowledge search, {size} entries: p95 {p95:.1f} ms, p50 {statistics.median(timings) * 1000:.1f} ms;"
            f" icontains scan p95 {scan95:.1f} ms (ratio {p95 / scan95:.2f}; the scan finds no pinyin or words)"
        )


def bench_dispatch(sizes=(250, 1000, 3000)):
    import datetime as dt

    from zhengwu.core import clock
    from zhengwu.core.demo import load_demo
    from zhengwu.core.models import Organisation, Region
    from zhengwu.tickets import demo, demo_history, dispatching, importer
    from zhengwu.tickets.models import Channel, Ticket

    load_demo()
    demo._categories()
    organisations = dict(
        Organisation.objects.filter(region__code__startswith=demo.REGION).values_list("short_name", "uscc")
    )
    townships = list(Region.objects.filter(parent__code=demo.REGION).values_list("code", flat=True))
    end = clock.now() - dt.timedelta(days=1)
    for size in sizes:
        # A year of the county's hotline at three volumes, each its own history.
        Ticket.objects.filter(channel=Channel.IMPORT).delete()
        rows = demo_history.generate(
            size, organisations=organisations, end=end, seed=size, townships=townships
        )
        importer.import_lines(demo_history.lines(rows))
        started = time.perf_counter()
        report = dispatching.train(held_out=0.2)
        trained = time.perf_counter() - started
        measure = report.measure
        probe = (
            Ticket.objects.filter(channel=Channel.IMPORT)
            .select_related("category")
            .order_by("-received_at")[:200]
        )
        timings = []
        for t in probe:
            started = time.perf_counter()
            dispatching.suggest(t)
            timings.append(time.perf_counter() - started)
        words = ", ".join(
            f"{word} right {right / shown:.0%} of {shown}"
            for word, (shown, right) in sorted(measure.words.items(), key=lambda kv: -kv[1][1] / kv[1][0])
        )
        print(
            f"   dispatch ({report.backend}), {report.samples} past tickets, {report.held_out} held back: "
            f"top-1 {measure.top1:.1%}, top-3 {measure.top3:.1%} vs majority-class {measure.baseline:.1%} "
            f"({measure.top1 / measure.baseline:.1f}×); words shown in the top three: {words}; "
            f"suggestion p95 {_percentile(timings, 95) * 1000:.1f} ms; training {trained:.1f} s"
        )


def run():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # Tables straight from the models: the benchmark measures the schema the models declare, and does not depend
    # on every other domain's migrations being runnable at this moment.
    connection.settings_dict.setdefault("TEST", {})["MIGRATE"] = False
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        orgs, user, category = _world()
        bench_filing(user, category)
        bench_knowledge(orgs)
        bench_dispatch()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
