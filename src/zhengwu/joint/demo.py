"""The demo's bundles and joint cases, made through the services, with dates counted back from today in working days
(so the demo loads on any date): 企业开办, 开办餐饮店 and the 施工许可 stage of an 工程建设项目 (members in six
organisations), and joint cases in every phase the flow has — received, 联办通知 sent, 联合告知 (补正), handled in
parallel, one late because one member (水利局) missed its part, finished, ended by a member's 不予许可 (企业登记 refused,
the members needing it stopped), not accepted because a member refused at intake (不予受理: 企业登记 not this county's
to register, the members needing it not accepted either) and withdrawn by the applicant."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhengwu.cases import demo as case_demo
from zhengwu.cases import services as case_services
from zhengwu.cases.models import CaseStep, Status
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock
from zhengwu.core.context import acting_as
from zhengwu.core.models import Organisation, Staff, Window
from zhengwu.joint import bundles, endings, services
from zhengwu.joint.models import Bundle, JointCase

REGION = "360681"
DEMO_LABEL = "zhengwu demo"  # read as 演示数据 (core.actors)


def _item(org: str, name: str, sub: str = "") -> ServiceItem:
    qs = ServiceItem.objects.filter(
        organisation__short_name=org, organisation__region__code=REGION, current_version__name=name
    )
    if sub:
        qs = qs.filter(current_version__sub_name=sub)
    item = qs.order_by("pk").first()
    if item is None:
        raise LookupError(f"{org}「{name}」")
    return item


def _front_desk() -> Window | None:
    """The window that registers the demo's joint applications at the counter (统一登记 at 总服务台, as
    services.register records the registering clerk's window): the demo clerk's general window 1."""
    staff = Staff.objects.filter(user__username="clerk").select_related("window").first()
    return staff.window if staff else None


def _org(short: str) -> Organisation:
    return Organisation.objects.get(short_name=short, region__code=REGION)


def _specs() -> list[dict]:
    registration = _item("市场监管局", "企业登记", "设立登记").code
    return [
        {
            "code": "YJS0001",
            "name": "企业开办",
            "category": "enterprise",
            "description": "企业设立登记、税务信息确认、单位公积金缴存登记、职工参保登记一次申请、并联办理。",
            "lead_organisation": _org("市场监管局").pk,
            "stages": ["设立登记", "开办后续事项"],
            "members": [
                {"item": registration, "stage": 1},
                {"item": _item("税务局", "税务登记信息确认").code, "stage": 2, "needs": [registration]},
                {"item": _item("公积金", "单位住房公积金缴存登记").code, "stage": 2, "needs": [registration]},
                {"item": _item("社保中心", "用人单位职工参保登记").code, "stage": 2, "needs": [registration]},
            ],
        },
        {
            "code": "YJS0002",
            "name": "开办餐饮店",
            "category": "enterprise",
            "description": "开一家餐馆:营业执照、食品经营许可、排水许可、公共场所卫生许可一次申请,各部门并联办理。",
            "lead_organisation": _org("市场监管局").pk,
            "stages": ["设立登记", "经营许可"],
            "members": [
                {"item": registration, "stage": 1},
                {"item": _item("市场监管局", "食品经营许可").code, "stage": 2, "needs": [registration]},
                {
                    "item": _item("城管局", "城镇污水排入排水管网许可").code,
                    "stage": 2,
                    "needs": [registration],
                },
                {"item": _item("卫健委", "公共场所卫生许可").code, "stage": 2, "needs": [registration]},
            ],
        },
        {
            "code": "YJS0003",
            "name": "工程建设项目施工许可阶段",
            "category": "construction",
            "description": "投资项目并联审批:规划许可、消防设计审查、水土保持方案并联办理,再核发施工许可"
            "(水土保持方案未经批准的不得开工建设,水土保持法第二十六条)。",
            "lead_organisation": _org("住建局").pk,
            "stages": ["并联审查", "施工许可"],
            "members": [
                {"item": _item("自然资源局", "建设工程规划许可证核发").code, "stage": 1},
                {"item": _item("住建局", "特殊建设工程消防设计审查").code, "stage": 1},
                {"item": _item("水利局", "生产建设项目水土保持方案审批").code, "stage": 1},
                {
                    "item": _item("住建局", "建筑工程施工许可证核发").code,
                    "stage": 2,
                    "needs": [
                        _item("自然资源局", "建设工程规划许可证核发").code,
                        _item("住建局", "特殊建设工程消防设计审查").code,
                        _item("水利局", "生产建设项目水土保持方案审批").code,
                    ],
                },
            ],
        },
    ]


def _bundle(spec: dict) -> Bundle:
    bundle = Bundle.objects.filter(code=spec["code"]).first()
    if bundle is not None and bundle.current_version_id:
        return bundle
    version = bundles.create_bundle(spec=spec)
    bundles.submit(bundle=version.bundle)
    bundles.publish(bundle=version.bundle, reason="演示数据")
    return version.bundle


def _handle(case, *, decide: bool = True) -> None:
    """Work the member case through its steps as the platform, up to its decision (and completion)."""
    case.refresh_from_db()
    for _i in range(12):
        step = case.steps.filter(state=CaseStep.State.OPEN).first()
        if step is None:
            break
        if step.kind == "decide":
            if not decide:
                return
            case_services.decide_case(case=case, by=None, grant=True, reasons="符合条件,准予许可")
        elif step.kind == "deliver":
            case_services.deliver_result(case=case, by=None, method="electronic")
        else:
            case_services.complete_step(case=case, by=None, opinion="经审查,符合要求")
        case.refresh_from_db()
    if case.status == Status.ACCEPTED and case.version.instant is False and not case.steps.exists():
        case_services.decide_case(case=case, by=None, grant=True, reasons="符合条件")
        case.refresh_from_db()
    if case.status in (Status.DECIDED, Status.DELIVERED):
        case_services.complete_case(case=case, by=None)


def _members(joint: JointCase) -> dict:
    return {m.position: m for m in joint.members.select_related("case__version")}


def _blank_pdf() -> bytes:
    import io

    import pypdf

    writer, out = pypdf.PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


def _upload_all(joint: JointCase) -> None:
    """The merged list (those taken from a prerequisite's result or obtained by data sharing excepted), uploaded by an online applicant or scanned
    by the counter from what was handed in, so the members can confirm their materials complete and a grant finds
    them provided (行政许可法 第三十二条第一款第(四)项)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _blank_pdf()
    for entry in bundles.materials_now(joint.version, joint=joint):
        if not entry.get("from_member") and not entry.get("by_sharing"):
            services.upload_material(
                joint=joint,
                by=None,
                position=entry["position"],
                upload=SimpleUploadedFile(f"{entry['name'][:40]}.pdf", data, "application/pdf"),
            )


def _confirm_all(joint: JointCase) -> None:
    for position in sorted(_members(joint)):
        joint.refresh_from_db()
        services.confirm(joint=joint, position=position, by=None)


def _at(days: case_demo.Days, ago: int, hour: int) -> dt.datetime:
    moment = dt.datetime.combine(days.ago(ago), dt.time(hour, 0), tzinfo=clock.LOCAL)
    return min(moment, clock.now() - dt.timedelta(minutes=5))


def _restaurant_form(subject: str, phone: str, premises: str) -> dict:
    """The merged form of 开办餐饮店: 公共场所卫生许可 asks its own fields (area, kind, staff, opening date), 食品经营许可
    the shop's 经营场所 (its licence says it: a company with two shops holds two, told apart by it)."""
    opening = clock.today() + dt.timedelta(days=30)
    return {
        "subject": subject,
        "address": premises,
        "contact_phone": phone,
        "premises_area": 120,
        "venue_type": "餐饮场所(饭馆、咖啡馆、酒吧、茶座)",
        "central_air": False,
        "staff_count": 8,
        "opening_date": opening.isoformat(),
    }


def load_demo() -> str:
    made = [_bundle(spec) for spec in _specs()]
    if JointCase.objects.exists():
        return f"并联审批:一件事 {len(made)} 个;联办件已存在,未重复载入"
    people = {
        key: case_demo._applicant(key) for key in ("hongyuan", "xinda", "longhu", "tongcheng", "yetong")
    }
    enterprise, restaurant, construction = made
    days = case_demo.Days()
    desk = _front_desk()
    with acting_as(label=DEMO_LABEL), transaction.atomic():
        # finished: a restaurant opened three weeks ago, every department done
        with clock.frozen(_at(days, 15, 9)):
            done = services.apply(
                bundle=restaurant,
                applicant=people["hongyuan"],
                by=None,
                form=_restaurant_form("开办鸿远小厨", "0701-3312876", "江西省贵溪市花园街道信江大道 56 号"),
                channel="counter",
                window=desk,
            )
            _upload_all(done)  # the counter scans what the applicant handed in
            services.lead_accept(joint=done, by=None)
            _confirm_all(done)
        for position, ago in ((1, 14), (2, 11), (3, 10), (4, 10)):
            with clock.frozen(_at(days, ago, 10 + position)):
                _handle(_members(done)[position].case)
        # late because of one member: the 施工许可 stage accepted 24 working days ago; 规划 and 消防 decided in time,
        # 水利局 (20 working days) has not decided, so 施工许可 (stage 2, needing all three) has not started its clock
        with clock.frozen(_at(days, 24, 9)):
            late = services.apply(
                bundle=construction,
                applicant=people["longhu"],
                by=None,
                form={"subject": "龙虎置业信江花园二期"},
                channel="counter",
                window=desk,
            )
            _upload_all(late)  # the counter scans what the applicant handed in
            services.lead_accept(joint=late, by=None)
            _confirm_all(late)
        for position, ago in ((1, 22), (2, 21)):
            with clock.frozen(_at(days, ago, 10)):
                _handle(_members(late)[position].case)
        with clock.frozen(_at(days, 20, 10)):
            _handle(_members(late)[3].case, decide=False)
        # handled in parallel, on time: 企业登记 granted, the others at work
        with clock.frozen(_at(days, 3, 9)):
            busy = services.apply(
                bundle=restaurant,
                applicant=people["xinda"],
                by=None,
                form=_restaurant_form("开办鑫达食堂", "0701-3365218", "江西省贵溪市滨江镇工业园鑫达路 1 号"),
                channel="counter",
                window=desk,
            )
            _upload_all(busy)  # the counter scans what the applicant handed in
            services.lead_accept(joint=busy, by=None)
            _confirm_all(busy)
        with clock.frozen(_at(days, 2, 10)):
            _handle(_members(busy)[1].case)
        # 联合告知: two departments asked for materials, one notice to the applicant
        with clock.frozen(_at(days, 1, 9)):
            waiting = services.apply(
                bundle=restaurant,
                applicant=people["tongcheng"],
                by=None,
                form=_restaurant_form("开办铜城快餐", "0701-3378902", "江西省贵溪市东门街道铜城路 23 号"),
                channel="online",
            )
            _upload_all(waiting)
            services.lead_accept(joint=waiting, by=None)
            services.confirm(joint=waiting, position=1, by=None)
            services.confirm(joint=waiting, position=2, by=None)
            services.raise_missing(
                joint=waiting,
                position=3,
                by=None,
                items=[{"position": 3, "problem": "图纸未标注隔油池和检测井位置"}],
            )
            services.raise_missing(
                joint=waiting, position=4, by=None, items=[{"position": 1, "problem": "申请表未加盖公章"}]
            )
        # 联办通知 sent, members answering; and one just received
        with clock.frozen(_at(days, 0, 9)):
            notified = services.apply(
                bundle=enterprise,
                applicant=people["xinda"],
                by=None,
                form={"subject": "设立鑫达建材分公司"},
                channel="counter",
                window=desk,
            )
            _upload_all(notified)  # the counter scans what the applicant handed in
            services.lead_accept(joint=notified, by=None)
            services.confirm(joint=notified, position=1, by=None)
            services.apply(
                bundle=enterprise,
                applicant=people["tongcheng"],
                by=None,
                form={"subject": "设立铜城物流仓储公司"},
                channel="online",
            )
        # ended by a member's 不予许可: 企业登记 (everyone's prerequisite) refused, the three others stopped (终止办理)
        with clock.frozen(_at(days, 8, 9)):
            denied = services.apply(
                bundle=restaurant,
                applicant=people["hongyuan"],
                by=None,
                form=_restaurant_form("开办鸿远茶餐厅", "0701-3312876", "江西省贵溪市雄石街道东门路 9 号"),
                channel="online",
            )
            _upload_all(denied)
            services.lead_accept(joint=denied, by=None)
            _confirm_all(denied)
        with clock.frozen(_at(days, 6, 10)):
            _handle(_members(denied)[1].case, decide=False)
        with clock.frozen(_at(days, 5, 15)):
            denied.refresh_from_db()
            endings.deny_member(
                joint=denied,
                position=1,
                by=None,
                reasons="申请登记的企业名称中的字号与本机关已登记的同行业企业名称中的字号相同",
                legal_basis="《企业名称登记管理规定》第十七条第(一)项",
            )
        # not accepted at intake (不予受理): a branch whose premises lie outside the county is not this county's to
        # register, so 市场监管局 refuses 企业登记 during the 联办通知 stage, and the members needing it are not
        # accepted either (行政许可法 第三十二条第一款第(二)项: 不属于本行政机关职权范围, 告知向有关行政机关申请)
        with clock.frozen(_at(days, 2, 9)):
            refused = services.apply(
                bundle=enterprise,
                applicant=people["longhu"],
                by=None,
                form={"subject": "设立龙虎置业月湖分公司"},
                channel="counter",
                window=desk,
            )
            services.lead_accept(joint=refused, by=None)
        with clock.frozen(_at(days, 2, 11)):
            refused.refresh_from_db()
            endings.refuse_member(
                joint=refused,
                position=1,
                by=None,
                reason=(
                    "拟设立分公司的营业场所位于鹰潭市月湖区,不属于本机关登记管辖范围;"
                    "请向鹰潭市月湖区市场监督管理局申请分公司设立登记"
                ),
                legal_basis="《中华人民共和国行政许可法》第三十二条第一款第(二)项",
            )
        # withdrawn by the applicant after the 联办通知: every member case withdrawn at once
        with clock.frozen(_at(days, 6, 9)):
            withdrawn = services.apply(
                bundle=enterprise,
                applicant=people["yetong"],
                by=None,
                form={"subject": "设立冶铜环保科技鹰潭分公司"},
                channel="counter",
                window=desk,
            )
            _upload_all(withdrawn)  # the counter scans what the applicant handed in
            services.lead_accept(joint=withdrawn, by=None)
            services.confirm(joint=withdrawn, position=1, by=None)
        with clock.frozen(_at(days, 4, 14)):
            endings.withdraw(joint=withdrawn, by=None, reason="申请人书面申请撤回:股东调整,暂缓设立分公司")
    phases = sorted({j.get_phase_display() for j in JointCase.objects.all()})
    return f"并联审批:一件事 {len(made)} 个,联办件 {JointCase.objects.count()} 件({'、'.join(str(p) for p in phases)})"
