"""Demo activity for evaluation: 好差评 on the demo's completed cases (mostly good; two bad ones with their
rectification under way), five first-inquiry ledger entries and the 市场监管局 service commitment — through
`evaluation.services` with the clock frozen at each step.

Evaluation loads before cases (INSTALLED_APPS order), so it loads the cases demo first when it is missing.
Idempotent: if a demo case has been rated nothing is done.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from zhengwu.cases import demo as cases_demo
from zhengwu.cases.demo import Days, Moments
from zhengwu.core import clock
from zhengwu.core.models import Organisation
from zhengwu.evaluation import rules, services
from zhengwu.evaluation.models import InquiryResult, LedgerEntry, Rating

REGION = "360681"
# demo case key → (level, tags, comment, channel)
RATINGS = {
    "01": (5, ["办事高效", "一次办好"], "当天就拿到了电子营业执照,非常方便", "link"),
    "02": (5, ["服务热情"], "", "tablet"),
    "04": (5, ["一次办好", "材料精简"], "只带了身份证就办好了", "link"),
    "07": (4, ["服务规范"], "现场核查很专业", "link"),
    "11": (3, ["指引不够清楚"], "名称被驳回,希望提前告知名称查重规则", "link"),
    "12": (5, ["办事高效"], "", "tablet"),
    "23": (4, ["办事较快"], "", "link"),
    "25": (2, ["办事拖延", "多次跑动"], "建房许可前后跑了四五趟,听证等了很久也没人主动告知进度", "link"),
    "31": (1, ["一次性告知不到位", "超时未办"], "第一次没说要带原件,白跑一趟,窗口说法前后不一", "link"),
    "33": (5, ["办事高效"], "银行端直接办,不用跑", "link"),
    "35": (5, ["办事高效"], "", "tablet"),
    "43": (4, ["解答清楚"], "", "link"),
    "51": (5, ["服务热情", "指引清晰"], "新生儿落户很顺利", "tablet"),
    "52": (5, ["办事高效"], "", "tablet"),
    "61": (5, ["一次办好"], "", "tablet"),
    "64": (4, ["服务规范"], "", "link"),
    "72": (5, ["指引清晰"], "审批人员全程指导", "link"),
    "81": (5, ["办事高效"], "", "tablet"),
}
LEDGER = [
    (
        12,
        "clerk",
        "办理建筑工程施工许可需要哪些前置条件",
        InquiryResult.ANSWERED,
        "已告知须先取得建设工程规划许可证和施工图审查合格书,并提供材料清单",
        "",
        "曾先生",
        "13807018703",
        None,
    ),
    (
        9,
        "clerk2",
        "公积金提取用于租房",
        InquiryResult.GUIDED,
        "",
        "21号公积金专窗",
        "程女士",
        "13979012255",
        None,
    ),
    (
        6,
        "market",
        "个体工商户转为企业需要注销重办吗",
        InquiryResult.ANSWERED,
        "可直接办理“个转企”变更登记,保留原名称字号和行政许可",
        "",
        "",
        "",
        None,
    ),
    (
        4,
        "social",
        "退休人员异地居住如何做资格认证",
        InquiryResult.HANDED_OVER,
        "涉及医保异地备案部分转医保局答复",
        "",
        "吴先生",
        "13507019925",
        "医保局",
    ),
    (
        1,
        "clerk",
        "农村宅基地上建房能否办理不动产登记",
        InquiryResult.PENDING,
        "",
        "",
        "桂先生",
        "13607014369",
        None,
    ),
]


def load_demo() -> str:
    if Rating.objects.filter(case__idempotency_key__startswith=cases_demo.DEMO_PREFIX).exists():
        return "好差评演示:已存在,未重复载入"
    note = ""
    if not cases_demo.demo_cases().exists():
        cases_demo.load_before_cases()
        note = "(所需办件演示已先行载入)"
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["clerk", "clerk2", "market", "social", "head", "land_head", "estate", "manager"]
        )
    }
    days = Days()
    limit = clock.now() - dt.timedelta(minutes=2)
    cases = {c.idempotency_key.removeprefix("demo-case-"): c for c in cases_demo.demo_cases()}
    rated = bad = 0
    with transaction.atomic():
        for key, (level, tags, comment, channel) in RATINGS.items():
            case = cases.get(key)
            if case is None or case.status != "completed" or case.finished_at is None:
                continue
            at = min(case.finished_at + dt.timedelta(minutes=3 if channel == "tablet" else 150), limit)
            clerk = case.events.filter(action="complete").first().actor if channel == "tablet" else None
            if channel == "tablet" and (
                clerk is None or getattr(clerk.staff, "window_id", None) != case.window_id
            ):
                channel, clerk = "link", None
            with clock.frozen(at):
                rating = services.rate(
                    kind="case",
                    pk=case.pk,
                    level=level,
                    tags=tags,
                    comment=comment,
                    channel=channel,
                    by=clerk,
                )
            rated += 1
            if rules.is_bad(level):
                bad += 1
                _rectify(rating, key, users, days)
        for n, (ago, who, topic, result, answer, guided, name, phone, hand_to) in enumerate(LEDGER):
            moments = Moments(days, f"ledger{n}")
            with clock.frozen(moments.at(ago)):
                entry = services.record_inquiry(
                    by=users[who],
                    topic=topic,
                    result=result,
                    answer=answer,
                    guided_to=guided,
                    asker_name=name,
                    asker_phone=phone,
                    channel=LedgerEntry.Channel.VISIT if n % 2 == 0 else LedgerEntry.Channel.PHONE,
                    hand_to=Organisation.objects.get(short_name=hand_to, region__code=REGION)
                    if hand_to
                    else None,
                )
            if result == InquiryResult.HANDED_OVER:
                with clock.frozen(moments.at(ago - 1)):
                    services.answer_inquiry(
                        entry=entry, by=users["social"], answer="已协调医保局电话告知异地备案办法"
                    )
        market = Organisation.objects.get(short_name="市场监管局", region__code=REGION)
        with clock.frozen(dt.datetime.combine(days.ago(35), dt.time(10), tzinfo=clock.LOCAL)):
            services.publish_commitment(
                organisation=market,
                by=users["head"],
                provides="企业开办、个体工商户登记、食品经营许可等事项在市政务服务中心9号、10号专窗一窗受理;"
                "材料齐全的企业登记当场办结,其余事项按承诺时限办结,提供免费帮办代办和邮寄送达。",
                discipline="首问负责、一次性告知、限时办结;不推诿扯皮,不吃拿卡要,不擅离岗位;亮证上岗,文明用语。",
                complaint_phone="0701-3312401",
                supervision_phone="0701-3312315",
                change_note="2026年度承诺",
            )
    return f"好差评演示:评价 {rated} 条(差评 {bad} 条,整改中),首问台账 {len(LEDGER)} 条,服务承诺 1 份{note}"


def _rectify(rating: Rating, key: str, users: dict, days: Days) -> None:
    """Bad ratings: one verified and rectified (awaiting the reply), one only verified (to rectify)."""
    rect = rating.rectification
    base = clock.local_date(rating.rated_at)
    ago = next(i for i in range(60) if days.ago(i) <= base)
    handler = users["land_head"] if key == "25" else users["estate"]
    moments = Moments(days, f"rect{key}")
    with clock.frozen(max(moments.at(max(ago - 1, 0)), rating.rated_at + dt.timedelta(minutes=30))):
        rect = services.verify(
            rectification=rect,
            by=handler,
            founded=True,
            finding="经调阅办件记录和窗口录像,情况基本属实"
            if key == "25"
            else "首次收件未一次性告知须核验原件,情况属实",
        )
    if key == "25":
        with clock.frozen(max(moments.at(0), rating.rated_at + dt.timedelta(hours=1))):
            services.rectify(
                rectification=rect,
                by=handler,
                measures="建立农村建房审批进度主动告知机制,听证等特别程序期间每周电话告知申请人进度;对承办人批评教育",
            )
