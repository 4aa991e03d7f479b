"""Demo activity for 12345: a category tree, knowledge-base entries, ~25 tickets in every state over the last
eight weeks written through `tickets.services` with the clock frozen at each event, and a year of closed tickets
before them (`demo_history`, imported the way a centre imports its past) that the dispatch model is trained on.

There is no service for categories (the centre keeps them in the admin), so the demo tree is written directly,
with codes starting "GX". Idempotent: if a ticket titled from the demo exists (marker category GX00) nothing is done.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from zhengwu.cases.demo import Days, Moments
from zhengwu.core import clock
from zhengwu.core.models import Organisation, Region
from zhengwu.tickets import demo_history, dispatching, importer, services
from zhengwu.tickets.models import Category, Channel, Ticket

REGION = "360681"
# code, name, parent code, default organisation short name
CATEGORIES = [
    ("GX01", "市场监管", None, "市场监管局"),
    ("GX0101", "消费投诉", "GX01", "市场监管局"),
    ("GX0102", "食品安全", "GX01", "市场监管局"),
    ("GX02", "城市管理", None, "城管局"),
    ("GX0201", "占道经营", "GX02", "城管局"),
    ("GX03", "生态环境", None, "生态环境局"),
    ("GX0301", "噪声扰民", "GX03", "生态环境局"),
    ("GX0302", "废气污染", "GX03", "生态环境局"),
    ("GX04", "住房建设", None, "住建局"),
    ("GX0401", "物业管理", "GX04", "住建局"),
    ("GX05", "劳动社保", None, "人社局"),
    ("GX0501", "拖欠工资", "GX05", "人社局"),
    ("GX0502", "社保业务", "GX05", "社保中心"),
    ("GX06", "户籍证件", None, "公安局"),
    ("GX07", "政务服务", None, "政务服务办"),
    ("GX0701", "办事咨询", "GX07", "政务服务办"),
    *demo_history.EXTRA_CATEGORIES,
]
HISTORY_SIZE = 500  # past tickets over the year before the demo's own
# Who signs for each organisation a demo ticket or the history goes to (签收、答复、退单、延期): core's demo people.
HANDLERS = {
    "市场监管局": "approver",
    "城管局": "urban",
    "生态环境局": "eco",
    "住建局": "housing",
    "人社局": "hr_head",
    "社保中心": "social",
    "医保局": "medical",
    "公安局": "police",
    "教体局": "edu",
    "交通运输局": "transport",
    "自然资源局": "land",
    "不动产登记中心": "estate",
    "税务局": "tax",
    "政务服务办": "manager",
}

KNOWLEDGE = [
    (
        "GX0701",
        "政务服务办",
        "市政务服务中心的办公时间和地址?",
        "贵溪市政务服务中心位于雄石街道民主路80号市民服务中心1-3楼,"
        "周一至周五上午9:00-12:00、下午13:30-17:00办公,周六上午综合窗口提供延时服务,法定节假日除外。",
        "办公时间 地址",
    ),
    (
        "GX0502",
        "社保中心",
        "社会保障卡丢了怎么补办?",
        "可携带居民身份证到市政务服务中心18号社保专窗即时补换,"
        "也可通过“赣服通”在线申请后邮寄到家;补换期间可先使用电子社保卡。",
        "社保卡 补办 挂失",
    ),
    (
        "GX06",
        "公安局",
        "身份证丢失后如何办理临时身份证?",
        "携带户口簿到市政务服务中心14号公安户政专窗申领临时居民身份证,"
        "当场办结,工本费10元;同时可办理居民身份证补领。",
        "身份证 丢失 临时身份证",
    ),
    (
        "GX01",
        "市场监管局",
        "开办个体工商户需要什么材料?",
        "经营者居民身份证和经营场所使用证明即可,可在综合窗口或"
        "“江西省企业开办一网通办平台”办理,材料齐全当场登记。",
        "个体户 营业执照",
    ),
    (
        "GX01",
        "市场监管局",
        "企业开办全流程多长时间?",
        "贵溪市企业开办(营业执照、公章刻制、发票申领、社保登记、公积金开户)"
        "在企业开办专窗一次办结,承诺1个工作日内完成。",
        "企业开办 一件事",
    ),
    (
        "GX0501",
        "人社局",
        "被拖欠工资应该向哪里投诉?",
        "可拨打12345或到人社局劳动保障监察大队投诉,需提供劳动合同或"
        "工作证明、欠薪情况;涉及农民工工资的,承诺5个工作日内调查处理。",
        "欠薪 工资 劳动监察",
    ),
    (
        "GX0401",
        "住建局",
        "公共租赁住房申请条件是什么?",
        "具有本市城镇户籍或稳定就业的新就业无房职工、外来务工人员,"
        "家庭人均收入和住房面积符合当年标准的,可在综合窗口提出申请,审核时限20个工作日。",
        "公租房 保障房",
    ),
    (
        "GX0502",
        "社保中心",
        "灵活就业人员如何缴纳养老保险?",
        "持身份证到社保专窗办理灵活就业人员参保登记,"
        "之后可通过税务部门“赣税通”或银行代扣缴费,缴费基数可在当地上年度社平工资60%-300%之间自选。",
        "灵活就业 养老保险",
    ),
    (
        "GX0701",
        "政务服务办",
        "办事遇到“办不成”怎么办?",
        "可到市政务服务中心41号“办不成事”反映窗口或拨打0701-3320001,"
        "工作人员当场登记,协调相关部门限时解决并回复。",
        "办不成事 反映",
    ),
    (
        "GX03",
        "生态环境局",
        "夜间施工噪声扰民向哪里反映?",
        "夜间22时至次日6时施工须取得夜间施工许可,未经许可的可拨打12345"
        "或生态环境局投诉电话0701-3313202,执法人员将到现场核查处理。",
        "噪声 施工 夜间",
    ),
    (
        "GX0102",
        "市场监管局",
        "在饭店吃饭发现饭菜里有苍蝇等异物怎么投诉?",
        "请保留饭菜、消费小票或付款记录并拍照取证,可拨打12345或12315向市场监督管理局投诉举报;"
        "执法人员将到店核查后厨卫生和食品经营许可情况,查实的依食品安全法处理,并在办理期限内答复。"
        "吃后身体不适的,请先就医并保留病历和票据。",
        "食品安全 饭店 餐馆 饭菜 异物 苍蝇 后厨 卫生 市场监管",
    ),
    (
        "GX0102",
        "市场监管局",
        "买到过期食品怎么投诉、能否赔偿?",
        "请保留商品、购物小票并拍照,可拨打12345或12315投诉,市场监督管理局将核查处理;"
        "经营者明知是不符合食品安全标准的食品仍销售的,消费者除要求赔偿损失外,"
        "还可要求支付价款十倍或者损失三倍的赔偿金,增加赔偿的金额不足一千元的为一千元(食品安全法第一百四十八条)。",
        "过期食品 超市 食品安全 赔偿 市场监管",
    ),
]


def _org(short: str) -> Organisation:
    return Organisation.objects.get(short_name=short, region__code__startswith=REGION)


def _categories() -> dict[str, Category]:
    made: dict[str, Category] = {}
    for code, name, parent, org in CATEGORIES:
        category, _created = Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": made.get(parent),
                "default_organisation": _org(org) if org else None,
            },
        )
        made[code] = category
    return made


# Tickets: key, days ago filed, kind, channel, category, caller, phone, title, content, allow publication, story.
# Story steps (days ago, action, *args): close(entry index) | dispatch(org) | ack(org) | reply(org, text) |
# solved(satisfied) | unsolved(reason) | return(org, reason) | extend(org, days, reason) | publish | merge(key) |
# interim(org): 受理回复, the 24-hour first answer of a 政民互动 message (t20 answered in time; t22, a mailbox
# suggestion nobody answered, is overdue and gets its warning from `services.flag_first_answers`).
TICKETS = [
    (
        "t01",
        30,
        "consult",
        "hotline",
        "GX0502",
        "朱桂英",
        "13907011021",
        "社保卡补办",
        "社保卡丢失,问怎么补办。",
        False,
        [(30, "close", 1)],
    ),
    (
        "t02",
        26,
        "consult",
        "hotline",
        "GX06",
        "程建军",
        "13879012032",
        "临时身份证",
        "身份证丢了,下周要坐高铁,问能否办临时身份证。",
        False,
        [(26, "close", 2)],
    ),
    (
        "t03",
        21,
        "consult",
        "portal",
        "GX01",
        "邵海燕",
        "15970013043",
        "个体户登记材料",
        "想开一家水果店,问办营业执照要带什么材料。",
        False,
        [(21, "close", 3)],
    ),
    (
        "t04",
        17,
        "consult",
        "hotline",
        "GX0701",
        "万志刚",
        "18779014054",
        "中心办公时间",
        "询问市政务服务中心周六是否上班。",
        False,
        [(17, "close", 0)],
    ),
    (
        "t05",
        12,
        "consult",
        "hotline",
        "GX0401",
        "姜小凤",
        "13576015065",
        "公租房条件",
        "外地在贵溪工作,问能不能申请公租房。",
        False,
        [(12, "close", 6)],
    ),
    (
        "t06",
        8,
        "consult",
        "hotline",
        "GX0502",
        "熊国庆",
        "13607016076",
        "灵活就业参保",
        "自己开网约车,问怎么交养老保险。",
        False,
        [(8, "close", 7)],
    ),
    (
        "t07",
        4,
        "consult",
        "mobile",
        "GX01",
        "吕晓丽",
        "13970017087",
        "企业开办时间",
        "注册一家公司多久能拿到营业执照和发票?",
        False,
        [(4, "close", 4)],
    ),
    (
        "t08",
        1,
        "consult",
        "hotline",
        "GX0701",
        "龚志勇",
        "15807018098",
        "办不成事窗口",
        "在窗口被告知材料不全来回跑了两次,问哪里反映。",
        False,
        [(1, "close", 8)],
    ),
    (
        "t09",
        34,
        "complaint",
        "hotline",
        "GX0101",
        "黄丽君",
        "13907019109",
        "预付卡商家关门",
        "在花园街道解放路某健身房办了年卡3000元,现在健身房关门联系不上老板,要求退款。",
        True,
        [
            (34, "dispatch", "市场监管局"),
            (33, "ack", "市场监管局"),
            (
                29,
                "reply",
                "市场监管局",
                "经核查,该健身房已停业,我局已约谈经营者并督促其制定退费方案,目前已为您办理退款2400元。",
            ),
            (27, "solved", True),
            (26, "publish"),
        ],
    ),
    (
        "t10",
        28,
        "complaint",
        "hotline",
        "GX0301",
        "李冬生",
        "13879010110",
        "夜间施工噪声",
        "雄石街道建设路某工地每晚11点后还在打桩,严重影响休息。",
        True,
        [
            (28, "dispatch", "生态环境局"),
            (28, "ack", "生态环境局"),
            (
                25,
                "reply",
                "生态环境局",
                "执法人员夜间到现场核查,该工地未办理夜间施工许可,已责令停止夜间作业并立案处罚。",
            ),
            (23, "solved", True),
            (22, "publish"),
        ],
    ),
    (
        "t11",
        24,
        "complaint",
        "hotline",
        "GX0501",
        "杨小兵",
        "15970011121",
        "装修公司拖欠工资",
        "在某装修公司干了三个月,老板拖欠工资18600元不给。",
        False,
        [
            (24, "dispatch", "人社局"),
            (23, "ack", "人社局"),
            (19, "reply", "人社局", "劳动保障监察大队已立案调查,责令该公司限期支付,工资已于本周全额支付。"),
            (17, "solved", True),
        ],
    ),
    (
        "t12",
        20,
        "complaint",
        "portal",
        "GX0102",
        "邹美华",
        "18779012132",
        "外卖餐馆卫生",
        "在外卖平台点的某快餐店饭菜里有异物,后厨卫生差。",
        True,
        [
            (20, "dispatch", "市场监管局"),
            (20, "interim", "市场监管局"),
            (19, "ack", "市场监管局"),
            (
                16,
                "reply",
                "市场监管局",
                "执法人员检查发现该店后厨存在卫生问题,已责令整改并给予警告,复查合格。",
            ),
            (15, "solved", False),
        ],
    ),
    (
        "t13",
        16,
        "help",
        "hotline",
        "GX0502",
        "何春花",
        "13576013143",
        "养老金未到账",
        "父亲退休审批已通过,但本月养老金还没到账。",
        False,
        [
            (16, "dispatch", "社保中心"),
            (16, "ack", "社保中心"),
            (14, "reply", "社保中心", "经核实因银行账户信息有误导致发放失败,已更正并补发。"),
            (13, "solved", True),
        ],
    ),
    (
        "t14",
        15,
        "complaint",
        "hotline",
        "GX0401",
        "蔡永红",
        "13607014154",
        "物业不维修电梯",
        "小区电梯坏了半个月物业一直不修,老人上下楼很困难。",
        False,
        [
            (15, "dispatch", "住建局"),
            (14, "ack", "住建局"),
            (10, "reply", "住建局", "已约谈物业公司,电梯已报修并更换主板,预计本周内恢复运行。"),
            (8, "unsolved", "电梯仍未修好,物业说配件还没到"),
        ],
    ),
    (
        "t15",
        11,
        "complaint",
        "hotline",
        "GX0302",
        "潘建平",
        "13970015165",
        "工厂废气异味",
        "冶金大道附近一家工厂晚上排放刺鼻气味。",
        False,
        [
            (11, "dispatch", "生态环境局"),
            (10, "ack", "生态环境局"),
            (6, "reply", "生态环境局", "经夜间突击检查,该企业废气处理设施运行不正常,已责令整改并立案调查。"),
        ],
    ),
    (
        "t16",
        9,
        "help",
        "letter",
        "GX0501",
        "方志华",
        "13907016176",
        "劳动合同纠纷",
        "公司单方面调岗降薪,问怎么维权。",
        False,
        [
            (9, "dispatch", "人社局"),
            (8, "ack", "人社局"),
            (5, "reply", "人社局", "已电话告知可向劳动人事争议仲裁委员会申请仲裁,并指导准备材料。"),
        ],
    ),
    (
        "t17",
        10,
        "complaint",
        "hotline",
        "GX0101",
        "涂小明",
        "13879017187",
        "手机维修乱收费",
        "在某手机店换屏报价200元,修完收了580元。",
        False,
        [
            (10, "dispatch", "市场监管局"),
            (9, "ack", "市场监管局"),
            (8, "extend", "市场监管局", 3, "需调取店内监控并询问其他消费者,申请延期3个工作日"),
        ],
    ),
    (
        "t18",
        8,
        "complaint",
        "hotline",
        "GX0401",
        "应丽芳",
        "15970018198",
        "小区违规收停车费",
        "物业未经业主大会同意上调停车费。",
        False,
        [(8, "dispatch", "住建局"), (7, "ack", "住建局")],
    ),
    (
        "t19",
        6,
        "complaint",
        "hotline",
        "GX0201",
        "陶国华",
        "18779019209",
        "夜市占道经营",
        "东门街道人民路夜市摊位占用人行道和盲道,行人只能走机动车道。",
        False,
        [(6, "dispatch", "城管局"), (2, "urge", "诉求人本人", "夜市摊位仍占着盲道,问什么时候处理")],
    ),
    (
        "t20",
        5,
        "report",
        "portal",
        "GX0102",
        "",
        "",
        "无证加工豆制品",
        "鸿塘镇某民房内有人无证加工豆腐、豆芽,卫生条件很差。",
        False,
        [(5, "dispatch", "市场监管局"), (5, "interim", "市场监管局"), (5, "ack", "市场监管局")],
    ),
    (
        "t21",
        3,
        "complaint",
        "hotline",
        "GX06",
        "汪春燕",
        "13576010210",
        "户口迁移被要求重复提交材料",
        "办理户口迁入时被要求第二次补交材料。",
        False,
        [
            (3, "dispatch", "住建局"),
            (2, "return", "住建局", "户口迁移由公安机关办理,非我局职责,请改派公安局"),
        ],
    ),
    (
        "t22",
        2,
        "suggestion",
        "mailbox",
        "GX0701",
        "桂志伟",
        "13607011221",
        "建议增加午间服务",
        "建议政务服务中心中午安排值班窗口,方便上班族办事。",
        True,
        [],
    ),
    (
        "t23",
        1,
        "complaint",
        "hotline",
        "GX0101",
        "饶建新",
        "13970012232",
        "超市过期食品",
        "在某超市买的酸奶已经过期两天。",
        False,
        [(1, "dispatch", "市场监管局")],
    ),
    (
        "t24",
        0,
        "complaint",
        "hotline",
        "GX0301",
        "邱美英",
        "15807013243",
        "夜间施工噪声(重复)",
        "建设路工地又在半夜施工。",
        False,
        [(0, "dispatch", "生态环境局")],
    ),
    (
        "t25",
        0,
        "complaint",
        "mobile",
        "GX0301",
        "邱美英",
        "15807013243",
        "工地半夜施工",
        "建设路工地凌晨还在施工,已经第二次反映。",
        False,
        [(0, "merge", "t24")],
    ),
    (
        "t26",
        0,
        "praise",
        "hotline",
        "GX01",
        "刘志明",
        "13907014254",
        "表扬企业开办专窗",
        "企业开办专窗邹丽娟同志服务热情,一上午就办好了营业执照和发票。",
        True,
        [],
    ),
]
DEMO_MARKER = "GX0701"


def demo_tickets():
    return Ticket.objects.filter(category__code__startswith="GX", title__in=[t[7] for t in TICKETS]).exclude(
        channel=Channel.IMPORT
    )


def _import_history(days: Days) -> int:
    """The year of past tickets, through the importer (docs/data-formats.md), ending before the demo's own."""
    short_names = {
        org for matter in demo_history.MATTERS for org in (matter.organisation, matter.also) if org
    }
    organisations = {o.short_name: o.uscc for o in Organisation.objects.filter(
        short_name__in=short_names, region__code__startswith=REGION
    )}  # fmt: skip
    townships = list(Region.objects.filter(parent__code=REGION).values_list("code", flat=True))
    end = dt.datetime.combine(days.ago(40), dt.time(18), tzinfo=clock.LOCAL)
    rows = demo_history.generate(HISTORY_SIZE, organisations=organisations, end=end, townships=townships)
    report = importer.import_lines(demo_history.lines(rows))
    if report.errors:  # pragma: no cover - the generator writes what the importer reads
        raise ValueError("; ".join(report.errors[:5]))
    return report.imported


def load_demo() -> str:
    existing = demo_tickets().count()
    if existing:
        return f"12345 演示:已存在({existing} 件工单),未重复载入"
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["hotline", "hotline2", "manager", *HANDLERS.values()])
    }
    member = HANDLERS
    days = Days()
    with transaction.atomic():
        categories = _categories()
        history = _import_history(days)
        entries = []
        with clock.frozen(dt.datetime.combine(days.ago(38), dt.time(10), tzinfo=clock.LOCAL)):
            for code, org, title, answer, keywords in KNOWLEDGE:
                entries.append(
                    services.save_knowledge_entry(
                        title=title,
                        answer=answer,
                        owner=_org(org),
                        keywords=keywords,
                        category=categories[code],
                        by=users["hotline2"],
                    )
                )
        made: dict[str, Ticket] = {}
        for n, (key, ago, kind, channel, code, name, phone, title, content, public, story) in enumerate(
            TICKETS
        ):
            operator = users["hotline" if n % 2 else "hotline2"]
            moments = Moments(days, key)
            with clock.frozen(moments.at(ago)):
                ticket = (
                    services.file_ticket(
                        kind=kind,
                        channel=channel,
                        category=categories[code],
                        content=content,
                        title=title,
                        caller_name=name,
                        caller_phone=phone,
                        anonymous=not name,
                        public_allowed=public,
                        mailbox=None,
                        by=operator,
                    )
                    if channel != "mailbox"
                    else services.file_ticket(
                        kind=kind,
                        channel="portal",
                        category=categories[code],
                        content=content,
                        title=title,
                        caller_name=name,
                        caller_phone=phone,
                        public_allowed=public,
                        by=None,
                    )
                )
            made[key] = ticket
            for step_ago, action, *args in story:
                with clock.frozen(moments.at(step_ago)):
                    ticket.refresh_from_db()
                    if action == "close":
                        entry = entries[args[0]]
                        services.close_directly(ticket=ticket, answer=entry.answer, entry=entry, by=operator)
                    elif action == "dispatch":
                        services.dispatch_ticket(ticket=ticket, lead=_org(args[0]), by=operator)
                    elif action == "interim":
                        services.interim_reply(
                            ticket=ticket,
                            organisation=_org(args[0]),
                            text="您反映的问题已收到,已转市场监管局核查处理,我们将在办理期限内答复您。",
                            by=users[member[args[0]]],
                        )
                    elif action == "ack":
                        services.acknowledge(
                            ticket=ticket, organisation=_org(args[0]), by=users[member[args[0]]]
                        )
                    elif action == "reply":
                        services.reply_ticket(
                            ticket=ticket, organisation=_org(args[0]), text=args[1], by=users[member[args[0]]]
                        )
                    elif action == "solved":
                        services.record_follow_up(
                            ticket=ticket,
                            solved=True,
                            satisfied=args[0],
                            note="" if args[0] else "问题已解决,但处理速度一般",
                            by=operator,
                        )
                    elif action == "unsolved":
                        services.record_follow_up(
                            ticket=ticket, solved=False, satisfied=False, note=args[0], by=operator
                        )
                    elif action == "return":
                        services.return_ticket(
                            ticket=ticket,
                            organisation=_org(args[0]),
                            reason=args[1],
                            by=users[member[args[0]]],
                        )
                    elif action == "extend":
                        ext = services.request_extension(
                            ticket=ticket,
                            organisation=_org(args[0]),
                            workdays=args[1],
                            reason=args[2],
                            by=users[member[args[0]]],
                        )
                        services.decide_extension(
                            extension=ext, approve=True, note="同意", by=users["manager"]
                        )
                    elif action == "publish":
                        services.publish_reply(
                            ticket=ticket, by=users[member[ticket.lead_organisation.short_name]]
                        )
                    elif action == "merge":
                        services.merge_tickets(duplicate=ticket, into=made[args[0]], by=operator)
                    elif action == "urge":
                        services.urge_ticket(ticket=ticket, caller=args[0], note=args[1], by=operator)
        flagged = services.flag_first_answers()
        trained = dispatching.train()
    tickets = demo_tickets()
    statuses = set(tickets.values_list("status", flat=True))
    return (
        f"12345 演示:新增诉求分类 {len(CATEGORIES)} 个、知识库 {len(KNOWLEDGE)} 条、"
        f"工单 {tickets.count()} 件(状态 {len(statuses)} 种,24小时未首次答复 {flagged['overdue']} 件);"
        f"历史工单 {history} 件,派单模型留出 {trained.held_out} 件,"
        f"首选准确率 {trained.accuracy:.0%},前三 {trained.top3_accuracy:.0%}"
    )
