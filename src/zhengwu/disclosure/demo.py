"""Demo activity for 政府信息公开 at 贵溪市人民政府办公室: the statutory catalogue, 12 publications through the whole
review chain (published), 2 still in review, and 7 requests in different states — through `disclosure.services`
with the clock frozen at each step.

Each step is signed by the demo person whose job it is (core's demo data): `disclosure` drafts, submits and
publishes, `gov_review` does the first review, `secrecy` the confidentiality review, `gov_head` the leader's approval
(and approves a request's extension), `gov_deputy` the second leader's for the important document; the drafter
never reviews their own draft. Idempotent: if a publication with a demo title exists nothing is done.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from zhengwu.cases.demo import Days, Moments
from zhengwu.core import clock
from zhengwu.core.models import Organisation
from zhengwu.disclosure import services
from zhengwu.disclosure.models import Category, DisclosureRequest, Publication

REGION = "360681"

# An important document needs a second leader's approval (the chain's last step).
IMPORTANT = {"贵溪市人民政府办公室关于印发《贵溪市进一步优化营商环境若干措施》的通知"}
# days ago drafted, category code, genre, title, document number, subject, body
PUBLICATIONS = [
    (
        38,
        "01",
        "normative",
        "贵溪市人民政府办公室关于印发《贵溪市进一步优化营商环境若干措施》的通知",
        "贵府办发〔2026〕3号",
        "营商环境",
        "各乡(镇)人民政府、街道办事处,市政府各部门:《贵溪市进一步优化营商环境若干措施》已经市政府同意,现印发给你们,请认真贯彻执行。",
    ),
    (
        37,
        "interpretation",
        "interpretation",
        "《贵溪市进一步优化营商环境若干措施》政策解读",
        "",
        "营商环境",
        "一、出台背景 二、主要内容:企业开办1个工作日办结(营业执照、公章、发票一次领取)、工程建设项目审批压缩至50个工作日以内…… 三、适用对象",
    ),
    (
        35,
        "05",
        "notice",
        "关于市政务服务中心延时服务和预约服务的公告",
        "",
        "政务服务",
        "为方便群众办事,市政务服务中心自即日起在周六上午开放综合窗口延时服务,工作日中午提供预约服务。",
    ),
    (
        33,
        "03",
        "plan",
        "贵溪市2026年政务公开工作要点",
        "贵府办字〔2026〕8号",
        "政务公开",
        "一、围绕优化营商环境加强政务公开 二、围绕保障和改善民生加强政务公开 三、加强政策解读和回应关切",
    ),
    (
        30,
        "11",
        "policy",
        "贵溪市2026年城乡居民最低生活保障标准调整方案",
        "贵府办发〔2026〕5号",
        "社会救助",
        "城市低保标准由每人每月850元提高到890元,农村低保标准由每人每月680元提高到715元,自2026年1月起执行。",
    ),
    (
        27,
        "07",
        "finance",
        "贵溪市人民政府办公室2026年部门预算公开",
        "",
        "财政预决算",
        "2026年收入预算合计1865.42万元,支出预算合计1865.42万元;“三公”经费预算38.6万元,比上年下降4.2%。",
    ),
    (
        24,
        "12",
        "notice",
        "贵溪市防汛抗旱应急预案(2026年修订)",
        "贵府办发〔2026〕7号",
        "应急管理",
        "本预案适用于本市行政区域内洪涝灾害、干旱灾害的预防和应急处置。",
    ),
    (
        20,
        "14",
        "notice",
        "2026年贵溪市事业单位公开招聘工作人员公告",
        "",
        "公务员招考",
        "经研究,决定面向社会公开招聘事业单位工作人员56名,报名时间为公告发布之日起7日内。",
    ),
    (
        16,
        "10",
        "notice",
        "贵溪市信江大道改造工程建设项目批准和实施信息",
        "",
        "重大建设项目",
        "项目总投资2.3亿元,全长4.6公里,建设单位为贵溪市城市建设投资开发有限公司,计划工期18个月。",
    ),
    (
        12,
        "13",
        "notice",
        "贵溪市2026年第一季度政务服务“好差评”情况通报",
        "",
        "政务服务",
        "一季度全市政务服务事项共收到评价12863条,好评率99.6%,差评37条均已整改反馈到位。",
    ),
    (
        8,
        "11",
        "policy",
        "贵溪市城镇老旧小区改造实施方案(2026—2027年)",
        "贵府办发〔2026〕9号",
        "住房保障",
        "两年内完成老旧小区改造42个,惠及居民6200余户,重点解决加装电梯、雨污分流和停车难等问题。",
    ),
    (
        5,
        "15",
        "notice",
        "关于开展2026年“政府开放日”活动的公告",
        "",
        "政务公开",
        "定于本月下旬举办“政府开放日”活动,邀请市民代表走进政务服务中心和12345热线中心。",
    ),
]
IN_REVIEW = [
    (
        2,
        "01",
        "normative",
        "贵溪市农村村民住宅建设管理办法(试行)",
        "贵府办发〔2026〕11号",
        "自然资源",
        "为规范农村村民住宅建设,保障村民合理建房需求,根据有关法律法规,结合本市实际,制定本办法。",
        1,
    ),
    (
        1,
        "11",
        "policy",
        "贵溪市2026年城乡居民医疗保险参保缴费工作方案",
        "",
        "医疗保障",
        "2026年度城乡居民医保个人缴费标准为每人每年400元,集中缴费期为9月1日至12月31日。",
        3,
    ),
]

# key, days ago received, channel, kind, name, id, phone, description, story [(days ago, action, *args)]
REQUESTS = [
    (
        "r1",
        3,
        "in_person",
        "natural_person",
        "叶建国",
        "",
        "13907015310",
        "申请公开雄石街道建设路拆迁项目的征收补偿方案",
        [],
    ),
    (
        "r2",
        6,
        "online",
        "natural_person",
        "邵丽华",
        "",
        "13879016320",
        "申请公开“老旧小区改造”相关文件",
        [(5, "supplement", "请明确所需信息的小区名称或文件名称、年份")],
    ),
    (
        "r3",
        22,
        "letter",
        "commercial",
        "江西信诚律师事务所",
        "",
        "0701-3367890",
        "申请公开2025年信江大道改造工程招标文件及中标结果",
        [(8, "reply", "partial", "", "招标文件和中标结果予以公开;投标人报价明细涉及商业秘密,不予公开。")],
    ),
    (
        "r4",
        28,
        "online",
        "natural_person",
        "钟志成",
        "",
        "15970017330",
        "申请公开2025年贵溪市低保资金发放总额",
        [(18, "reply", "disclose", "", "2025年全市共发放城乡低保资金8634万元,详见附件。")],
    ),
    (
        "r5",
        18,
        "in_person",
        "natural_person",
        "汤秋萍",
        "",
        "18779018340",
        "申请公开本人房屋所在地块的土地征收批复文件",
        [(3, "extend", 15, "涉及多个部门的档案调取,需延长答复期限")],
    ),
    (
        "r6",
        12,
        "online",
        "natural_person",
        "孔德华",
        "",
        "13576019350",
        "申请公开2025年政府常务会议纪要",
        [(10, "withdraw")],
    ),
    (
        "r7",
        9,
        "letter",
        "commercial",
        "贵溪市鑫达建材有限公司",
        "",
        "0701-3365218",
        "申请公开冶金大道周边企业环境检测报告",
        [(7, "consult", "江西铜城物流有限公司")],
    ),
]


# Who signs each review step (core's demo people) and with what opinion, in the order of the chain.
REVIEWERS = {
    "first_review": ("gov_review", "内容准确,同意"),
    "confidentiality_review": ("secrecy", "经审查不涉及国家秘密和工作秘密"),
    "leader_approval": ("gov_head", "同意公开"),
    "second_leader_approval": ("gov_deputy", "同意"),
}


def demo_publications():
    titles = [p[3] for p in PUBLICATIONS] + [p[3] for p in IN_REVIEW]
    return Publication.objects.filter(title__in=titles)


def load_demo() -> str:
    existing = demo_publications().count()
    if existing:
        return f"政府信息公开演示:已存在({existing} 条公开信息),未重复载入"
    User = get_user_model()
    officer = User.objects.get(username="disclosure")
    people = {u.username: u for u in User.objects.filter(username__in=[n for n, _ in REVIEWERS.values()])}

    def review(pub: Publication, opinion: str = "") -> Publication:
        username, usual = REVIEWERS[pub.status]
        return services.approve(publication=pub, by=people[username], opinion=opinion or usual)

    org = Organisation.objects.get(short_name="政府办", region__code=REGION)
    days = Days()
    with transaction.atomic():
        with clock.frozen(dt.datetime.combine(days.ago(40), dt.time(9), tzinfo=clock.LOCAL)):
            services.ensure_catalogue(organisation=org, by=officer)
        categories = {c.code: c for c in Category.objects.filter(organisation=org)}

        def draft(spec):
            ago, code, genre, title, number, subject, body = spec[:7]
            return services.create_draft(
                organisation=org,
                by=officer,
                title=title,
                document_number=number,
                category=categories[code],
                genre=genre,
                subject=subject,
                important=title in IMPORTANT,
                written_on=days.ago(ago),
                body=f"<p>{body}</p>",
            )

        for spec in PUBLICATIONS:
            moments = Moments(days, spec[3])
            ago = spec[0]
            with clock.frozen(moments.at(ago)):
                pub = draft(spec)
                pub = services.submit(publication=pub, by=officer)
            with clock.frozen(moments.at(ago)):
                pub = review(pub)
            while pub.status in REVIEWERS:
                with clock.frozen(moments.at(max(ago - 1, 0))):
                    pub = review(pub)
            with clock.frozen(moments.at(max(ago - 1, 0))):
                services.publish(publication=pub, by=officer)
        for spec in IN_REVIEW:
            moments = Moments(days, spec[3])
            with clock.frozen(moments.at(spec[0])):
                pub = services.submit(publication=draft(spec), by=officer)
            for _i in range(spec[7] - 1):
                with clock.frozen(moments.at(0)):
                    pub = review(pub, "同意")

        for key, ago, channel, kind, name, id_number, phone, description, story in REQUESTS:
            moments = Moments(days, key)
            with clock.frozen(moments.at(ago)):
                request = services.file_request(
                    organisation=org,
                    channel=channel,
                    requester_kind=kind,
                    requester_name=name,
                    requester_id_number=id_number,
                    phone=phone,
                    description=description,
                    submitted_on=days.ago(ago),
                    signed_on=days.ago(ago) if channel == "letter" else None,
                    confirmed_on=days.ago(ago) if channel == "online" else None,
                    # read online when it came online, else collected in person (no e-mail address on file)
                    delivery="网上查看" if channel == "online" else "当面领取",
                    by=officer,
                )
            for step_ago, action, *args in story:
                on = days.ago(step_ago)
                with clock.frozen(moments.at(step_ago)):
                    if action == "supplement":
                        services.request_supplement(request=request, by=officer, items=args[0], on=on)
                    elif action == "reply":
                        services.reply(
                            request=request, by=officer, outcome=args[0], reason=args[1], text_=args[2], on=on
                        )
                    elif action == "extend":  # the officer asks, the head agrees (第三十三条第一款)
                        request = services.ask_extension(
                            request=request, by=officer, days=args[0], reason=args[1], on=on
                        )
                        services.approve_extension(request=request, by=people["gov_head"], on=on)
                    elif action == "withdraw":
                        services.withdraw_request(request=request, by=officer, on=on)
                    elif action == "consult":
                        services.consult_third_party(request=request, by=officer, third_party=args[0], on=on)
                request.refresh_from_db()
    published = demo_publications().filter(status="published").count()
    return (
        f"政府信息公开演示:发布 {published} 条,审查中 {len(IN_REVIEW)} 条,"
        f"依申请公开 {DisclosureRequest.objects.filter(organisation=org).count()} 件"
    )
