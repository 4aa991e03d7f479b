"""Demo activity for the cases domain: ~45 applications at the 贵溪市 centre in every state, placed over the last
eight weeks with the clock frozen at each event, all written through `cases.services`.

Idempotent: the demo cases carry idempotency keys starting with "demo-"; if any exists nothing is done.
Runs after the demo county and catalogue (`zhengwu demo`); evaluation's demo calls it first when it needs cases.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from zhengwu.cases import selectors, services
from zhengwu.cases.models import Applicant, Case, CaseStep, Status
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import access, clock
from zhengwu.core.calendar import current_calendar
from zhengwu.core.ids import make_uscc, ric_check_character

DEMO_PREFIX = "demo-"
REGION = "360681"

# Script actions another domain's demo lends these scripts, so cases never imports it: the fees demo registers
# "notice" (统一收费: a payment notice for the named catalogue fees, paid online) with the catalogue it loads before
# any domain's records. Not registered (the cases demo loaded on its own), there is no catalogue, nothing to charge
# and nothing waiting for payment: the action is skipped.
ACTIONS: dict = {}

# Who holds each step role, per organisation (demo staff user names): the item's own organisation (or the one above
# it) takes its steps; the general windows' clerks (政务服务办) receive and deliver, never take a department's step.
HANDLERS = {
    "市场监管局": {"approver": "approver", "department_head": "head", "window_clerk": "market"},
    "自然资源局": {"approver": "land", "department_head": "land_head"},
    "不动产登记中心": {"approver": "estate", "department_head": "land_head", "window_clerk": "estate2"},
    "住建局": {"approver": "housing", "department_head": "housing_head"},
    "公安局": {"approver": "police", "department_head": "police_head", "window_clerk": "police"},
    "社保中心": {"approver": "hr_head", "department_head": "hr_head", "window_clerk": "social"},
    "人社局": {"approver": "hr_head", "department_head": "hr_head"},
    "生态环境局": {"approver": "eco", "department_head": "eco"},
    "税务局": {"approver": "tax", "department_head": "tax", "window_clerk": "tax"},
}


def natural_id(birth: str, serial: int, female: bool = False) -> str:
    """A resident ID of 贵溪市 with a valid check character (birth YYYYMMDD, serial 1..99)."""
    seq = f"{serial:02d}{(2 if female else 1) + 2 * (serial % 4)}"
    first17 = f"{REGION}{birth}{seq}"
    return first17 + ric_check_character(first17)


def company_uscc(org8: str) -> str:
    return make_uscc("9", "1", REGION, org8)


# Applicants: key → (kind, name, id, phone, legal representative)
PEOPLE = {
    "wangjh": ("natural", "王建华", natural_id("19780312", 11), "13907015281", ""),
    "liumei": ("natural", "刘美玲", natural_id("19850726", 12, True), "13879016342", ""),
    "chenwq": ("natural", "陈文强", natural_id("19690105", 13), "15970017703", ""),
    "zhoulp": ("natural", "周丽萍", natural_id("19920918", 14, True), "18779018864", ""),
    "wuhg": ("natural", "吴火根", natural_id("19610420", 15), "13507019925", ""),
    "xuyan": ("natural", "徐燕", natural_id("19950202", 16, True), "13576011086", ""),
    "huangzl": ("natural", "黄志林", natural_id("19830814", 17), "13970012147", ""),
    "fuxm": ("natural", "傅小梅", natural_id("19900530", 18, True), "15807013208", ""),
    "guisq": ("natural", "桂水泉", natural_id("19580911", 19), "13607014369", ""),
    "raoyf": ("natural", "饶亚芬", natural_id("19871123", 21, True), "18970015420", ""),
    "yangcs": ("natural", "杨春生", natural_id("19750617", 22), "13979016581", ""),
    "jiangxh": ("natural", "江晓红", natural_id("20010308", 23, True), "15179017642", ""),
    "zengjm": ("natural", "曾家明", natural_id("19660729", 24), "13807018703", ""),
    "xinda": ("legal", "贵溪市鑫达建材有限公司", company_uscc("MA35K8X1"), "0701-3365218", "王建华"),
    "hongyuan": ("legal", "贵溪市鸿远餐饮管理有限公司", company_uscc("MA36B2Q7"), "0701-3312876", "刘美玲"),
    "tongcheng": ("legal", "江西铜城物流有限公司", company_uscc("MA37C5D0"), "0701-3378902", "陈文强"),
    "xinjiang": ("legal", "贵溪市信江大药房连锁有限公司", company_uscc("MA38D1F4"), "0701-3341567", "周丽萍"),
    "longhu": ("legal", "贵溪市龙虎置业有限公司", company_uscc("MA39E7G2"), "0701-3390123", "黄志林"),
    "yetong": ("legal", "贵溪市冶铜环保科技有限公司", company_uscc("MA3AF3H8"), "0701-3356780", "杨春生"),
    "jianan": ("legal", "贵溪市建安建筑工程有限公司", company_uscc("MA3BG9J5"), "0701-3323456", "曾家明"),
    "nongshang": (
        "legal",
        "江西贵溪农村商业银行股份有限公司",
        company_uscc("MA3CH4K1"),
        "0701-3318888",
        "吴火根",
    ),
    "guanghe": ("legal", "贵溪市光合新材料有限公司", company_uscc("MA3DJ6L9"), "0701-3367421", "傅小梅"),
}

# 门户账号: applicants who try the portal (/cases/signin/), signing in with their ID number or USCC and the demo
# password — key in PEOPLE → (account user name: a mobile number, what the account shows). Their cases, licences
# and fees are the demo's own (cases, licences, joint and fees demos).
PORTAL_LOGINS = {
    "liumei": ("13879016342", "个人登录:本人的办件(含待缴费的不动产首次登记,可网上缴费)、评价"),
    "hongyuan": (
        "13970013528",
        "法人登录(企业经办):企业的办件、电子证照(食品经营许可临近到期,延续办理中)、一件事",
    ),
}
PORTAL_ROLES = {"natural": "门户用户(个人)", "legal": "门户用户(法人)"}


def _estate(
    location: str,
    unit: str,
    nature: str,
    usage: str,
    area: str,
    term: str,
    right: str = "国有建设用地使用权/房屋所有权",
) -> dict:
    """What a 不动产 registration's form records of the property, printed on the 不动产权证书 its grant issues
    (licences.demo.ESTATE_ITEMS); 不动产单元号 is 28 characters (GB/T 37346: county, 地籍区/子区, 宗地, 定着物)."""
    return {
        "co_ownership": "单独所有",
        "location": location,
        "unit_number": unit,
        "right_type": right,
        "right_nature": nature,
        "usage": usage,
        "area": area,
        "term": term,
        "other": "房屋结构:砖混结构" if "自建" in nature else "房屋结构:钢筋混凝土结构",
    }


# the property of each demo 不动产 registration, by its subject (the cases' and the fees' demo)
ESTATE = {
    "二手住宅买卖转移登记": _estate(
        "贵溪市雄石街道建设路18号锦江花园3栋2单元502室", "360681001003GB00112F00030502",
        "出让/市场化商品房", "城镇住宅用地/住宅", "共有宗地面积 5320.00㎡/房屋建筑面积 98.56㎡",
        "2008年05月20日起2078年05月19日止",
    ),
    "继承住宅转移登记": _estate(
        "贵溪市花园街道解放路66号信江小区5栋1单元301室", "360681002001GB00045F00050301",
        "出让/房改房", "城镇住宅用地/住宅", "共有宗地面积 8610.00㎡/房屋建筑面积 86.20㎡",
        "1998年09月01日起2068年08月31日止",
    ),
    "新建商品房首次登记(已网上缴费)": _estate(
        "贵溪市花园街道信江大道299号龙虎置业信江花园一期7栋1单元1202室", "360681002004GB00231F00071202",
        "出让/市场化商品房", "城镇住宅用地/住宅", "共有宗地面积 21580.00㎡/房屋建筑面积 118.35㎡",
        "2022年03月15日起2092年03月14日止",
    ),
    "自建住房首次登记(待缴费)": _estate(
        "贵溪市雄石街道胜利路26号", "360681001007GB00026F00010001",
        "划拨/自建房", "城镇住宅用地/住宅", "宗地面积 126.00㎡/房屋建筑面积 238.60㎡", "长期",
    ),
    "商铺首次登记(缴费后撤回)": _estate(
        "贵溪市花园街道信江大道299号龙虎置业信江花园一期商铺S-12号", "360681002004GB00231F00990012",
        "出让/市场化商品房", "商服用地/商业服务", "共有宗地面积 21580.00㎡/房屋建筑面积 64.80㎡",
        "2022年03月15日起2062年03月14日止",
    ),
}  # fmt: skip

# the shop each demo 食品经营许可(新办) application is for, by its subject: the form asks 经营场所 (its licence prints
# it, and a company's licences — one per premises — are told apart by it)
PREMISES = {
    "新开门店申请食品经营许可(餐饮服务)": {"address": "江西省贵溪市雄石街道信江西路 35 号"},
    "开办早餐店申请食品经营许可": {"address": "江西省贵溪市花园街道解放路 88 号"},
    "开办奶茶店申请食品经营许可": {"address": "江西省贵溪市东门街道步行街 17 号"},
}


@dataclass
class Spec:
    key: str
    org: str
    item: str
    sub: str
    who: str
    subject: str
    clerk: str
    script: list = field(default_factory=list)
    agent: str = (
        ""  # 代办人: the key in PEOPLE of who brought the application, with the applicant's 授权委托书
    )


# Script actions, each (working days ago, action, *arguments):
#   scan (positions: the counter scans what the applicant handed in, 代申请人上传) |
#   accept | supplement (position, problem) | supply (positions) | refuse (reason) | step (opinion: claim and
#   complete the open step, 制证 included) | claim | decide (grant, reasons: at the decision step, by its holder) |
#   deliver (method) | complete | suspend (kind, reason, days) | resume | extend (days, reason) | withdraw (reason) |
#   terminate (reason) | instant | fee ([(name, amount)])
OK = "材料齐全,符合法定形式,同意"
SPECS = [
    # 市场监管局
    Spec(
        "01",
        "市场监管局",
        "企业登记",
        "设立登记",
        "xinda",
        "设立有限责任公司,经营建材销售",
        "clerk",
        [
            (30, "accept"),
            (30, "claim"),
            (29, "decide", True, "准予设立登记"),
            (29, "deliver", "electronic"),
            (29, "complete"),
        ],
    ),
    Spec(
        "02",
        "市场监管局",
        "企业登记",
        "变更登记",
        "hongyuan",
        "变更住所及法定代表人",
        "market",
        [
            (20, "accept"),
            (20, "claim"),
            (20, "decide", True, ""),
            (19, "deliver", "window"),
            (19, "complete"),
        ],
    ),
    Spec(
        "03",
        "市场监管局",
        "企业登记",
        "注销登记",
        "tongcheng",
        "申请简易注销登记",
        "clerk2",
        [
            (
                12,
                "refuse",
                "该企业存在尚未办结的行政处罚案件,不适用简易注销程序",
                "《市场主体登记管理条例》第三十三条",
            )
        ],
    ),
    Spec(
        "04",
        "市场监管局",
        "个体工商户登记",
        "设立登记",
        "zhoulp",
        "开办“周记小吃店”,经营小吃",
        "clerk",
        [
            (15, "accept"),
            (15, "claim"),
            (15, "decide", True, ""),
            (15, "deliver", "window"),
            (15, "complete"),
        ],
    ),
    # brought to the window by a friend of the applicant (代办人), who hands over 徐燕's 授权委托书 with the rest
    Spec(
        "05",
        "市场监管局",
        "个体工商户登记",
        "设立登记",
        "xuyan",
        "开办“燕子服装店”,零售服装",
        "clerk",
        [],
        agent="raoyf",
    ),
    Spec(
        "06",
        "市场监管局",
        "食品经营许可",
        "新办",
        "hongyuan",
        "新开门店申请食品经营许可(餐饮服务)",
        "market",
        [(9, "accept"), (8, "claim"), (7, "step", "材料审查通过,需现场核查后厨布局"), (5, "claim")],
    ),
    Spec(
        "07",
        "市场监管局",
        "食品经营许可",
        "新办",
        "liumei",
        "开办早餐店申请食品经营许可",
        "clerk",
        [
            (25, "accept"),
            (24, "claim"),
            (23, "step", "材料审查通过"),
            (22, "claim"),
            (21, "step", "现场核查符合要求"),
            (20, "claim"),
            (20, "decide", True, "经审查、现场核查,符合食品经营许可条件,准予许可"),
            (19, "step", "已制作食品经营许可证"),
            (19, "deliver", "window"),
            (19, "complete"),
        ],
    ),
    Spec(
        "08",
        "市场监管局",
        "食品经营许可",
        "延续",
        "hongyuan",
        "食品经营许可证有效期届满申请延续",
        "market",
        [(2, "accept"), (1, "claim")],
    ),
    Spec(
        "09",
        "市场监管局",
        "食品经营许可",
        "新办",
        "raoyf",
        "开办奶茶店申请食品经营许可",
        "clerk2",
        [(3, "supplement", 2, "经营场所平面布局图未标明操作间和清洗消毒区域,请补充完整")],
    ),
    Spec(
        "10",
        "市场监管局",
        "药品零售企业经营许可",
        "",
        "xinjiang",
        "新设门店申请药品零售企业经营许可",
        "market",
        [
            (14, "accept"),
            (13, "claim"),
            (10, "step", "材料审查通过"),
            (9, "claim"),
            (8, "extend", 5, "门店温湿度监测系统需第三方检测报告,申请延期5个工作日"),
        ],
    ),
    Spec(
        "11",
        "市场监管局",
        "企业登记",
        "设立登记",
        "guanghe",
        "设立新材料公司",
        "clerk",
        [
            (17, "accept"),
            (17, "claim"),
            (
                16,
                "decide",
                False,
                "申报的企业名称与已登记的同行业企业名称近似,依据《企业名称登记管理规定》第十一条不予登记",
            ),
            (16, "deliver", "electronic"),
            (16, "complete"),
        ],
    ),
    Spec(
        "12",
        "市场监管局",
        "仅销售预包装食品备案",
        "",
        "yangcs",
        "便利店仅销售预包装食品备案",
        "market",
        [(10, "instant")],
    ),
    Spec(
        "13",
        "市场监管局",
        "企业登记",
        "设立登记",
        "jiangxh",
        "设立电子商务公司",
        "clerk",
        [(6, "accept"), (6, "claim"), (5, "withdraw", "申请人决定调整经营范围后重新申请")],
    ),
    Spec(
        "14",
        "市场监管局",
        "企业登记",
        "变更登记",
        "xinda",
        "变更注册资本",
        "clerk2",
        [(1, "accept"), (1, "claim"), (0, "decide", True, "")],
    ),
    Spec(
        "15", "市场监管局", "企业登记", "设立登记", "wuhg", "设立农产品贸易公司", "clerk2", []
    ),  # deemed below
    Spec(
        "16",
        "市场监管局",
        "企业登记",
        "注销登记",
        "tongcheng",
        "申请一般注销登记",
        "clerk",
        [
            (11, "accept"),
            (11, "claim"),
            (9, "terminate", "经核查该企业已被人民法院裁定进入破产清算程序,终止办理"),
        ],
    ),
    # 自然资源局
    Spec(
        "21",
        "自然资源局",
        "乡村建设规划许可证核发",
        "",
        "wangjh",
        "志光镇上祝村农村村民住宅建设(三层)",
        "clerk",
        [(11, "accept"), (10, "claim"), (6, "step", "符合村庄规划,建议许可"), (5, "claim")],
    ),
    Spec(
        "22",
        "自然资源局",
        "建设项目用地预审与选址意见书核发",
        "",
        "longhu",
        "龙虎置业信江花园项目用地预审",
        "clerk",
        [
            (20, "accept"),
            (19, "claim"),
            (15, "suspend", "expert_review", "项目涉及占用一般耕地,组织专家评审", 10),
        ],
    ),
    Spec(
        "23",
        "自然资源局",
        "临时用地审批",
        "",
        "tongcheng",
        "物流园施工临时用地",
        "clerk2",
        [
            (26, "accept"),
            (25, "claim"),
            (24, "step", "材料齐全"),
            (23, "claim"),
            (20, "step", "现场核查无误"),
            (20, "claim"),
            (19, "decide", True, ""),
            (18, "deliver", "post"),
            (18, "complete"),
        ],
    ),
    Spec(
        "24",
        "自然资源局",
        "建设工程规划条件核实",
        "",
        "jianan",
        "建安大厦规划条件核实",
        "clerk",
        [(1, "accept"), (0, "claim")],
    ),
    Spec(
        "25",
        "自然资源局",
        "乡村建设规划许可证核发",
        "",
        "guisq",
        "鸿塘镇古城村村民住宅翻建",
        "clerk",
        [
            (16, "accept"),
            (15, "claim"),
            (13, "step", "选址涉及相邻权纠纷,建议听证"),
            (12, "suspend", "hearing", "相邻权利人申请听证", 5),
            (7, "resume"),
            (6, "claim"),
            (5, "decide", True, ""),
            (4, "deliver", "window"),
            (4, "complete"),
        ],
    ),
    # 不动产登记中心
    Spec(
        "31",
        "不动产登记中心",
        "国有建设用地使用权及房屋所有权转移登记",
        "",
        "chenwq",
        "二手住宅买卖转移登记",
        "estate2",
        [
            (28, "accept"),
            (28, "notice", ["BDC-001", "BDC-003"]),
            (28, "claim"),
            (27, "decide", True, "审核通过,予以登簿"),
            (27, "step", "已缮证"),
            (27, "deliver", "window"),
            (27, "complete"),
        ],
    ),
    Spec(
        "32",
        "不动产登记中心",
        "国有建设用地使用权及房屋所有权转移登记",
        "",
        "fuxm",
        "继承住宅转移登记",
        "estate",
        [
            (13, "accept"),
            (13, "notice", ["BDC-001"]),
            (13, "claim"),
            (12, "decide", True, "审核通过,予以登簿"),
            (12, "step", "已缮证"),
            (11, "deliver", "post"),
        ],
    ),
    Spec(
        "33",
        "不动产登记中心",
        "抵押权首次登记",
        "",
        "nongshang",
        "个人住房贷款抵押登记",
        "estate2",
        [
            (8, "accept"),
            (8, "notice", ["BDC-001"]),
            (8, "claim"),
            (7, "decide", True, ""),
            (7, "deliver", "electronic"),
            (7, "complete"),
        ],
    ),
    Spec(
        "34",
        "不动产登记中心",
        "抵押权注销登记",
        "",
        "nongshang",
        "贷款结清注销抵押",
        "estate2",
        [(0, "accept")],
    ),
    Spec(
        "35",
        "不动产登记中心",
        "不动产登记资料查询",
        "",
        "yangcs",
        "查询本人名下不动产登记信息",
        "estate2",
        [(2, "instant")],
    ),
    Spec(
        "36",
        "不动产登记中心",
        "国有建设用地使用权及房屋所有权转移登记",
        "",
        "huangzl",
        "商品房转移登记",
        "estate",
        # handed in at the counter and scanned: the application, the IDs and the contract (完税凭证 comes by data
        # sharing); the certificate was a copy, so the 补正 asks for the original, received on paper at the window
        [
            (1, "scan", [1, 2, 4]),
            (1, "supplement", 3, "提交的不动产权证书为复印件,请携带原件核验"),
            (0, "supply", [3]),
        ],
    ),
    # 住建局
    Spec(
        "41",
        "住建局",
        "特殊建设工程消防设计审查",
        "",
        "longhu",
        "信江花园商业综合体消防设计审查",
        "clerk",
        [(5, "accept"), (4, "claim")],
    ),
    Spec(
        "42",
        "住建局",
        "公共租赁住房保障申请",
        "",
        "zengjm",
        "申请公共租赁住房(家庭3人)",
        "clerk2",
        [(24, "accept"), (22, "claim"), (14, "step", "收入、住房状况核查符合条件"), (13, "claim")],
    ),
    Spec(
        "43",
        "住建局",
        "其他建设工程消防验收备案",
        "",
        "jianan",
        "门诊楼装修工程消防验收备案",
        "clerk",
        [
            (17, "accept"),
            (17, "claim"),
            (16, "decide", True, ""),
            (16, "deliver", "electronic"),
            (16, "complete"),
        ],
    ),
    Spec(
        "44",
        "住建局",
        "房屋建筑和市政基础设施工程竣工验收备案",
        "",
        "guanghe",
        "厂房竣工验收备案",
        "clerk",
        [
            (
                3,
                "refuse",
                "该项目为省重点工程,竣工验收备案由鹰潭市住房和城乡建设局办理,不属于本机关管辖",
                "《房屋建筑和市政基础设施工程竣工验收备案管理办法》第四条",
            )
        ],
    ),
    Spec("45", "住建局", "公共租赁住房保障申请", "", "jiangxh", "新就业无房职工申请公租房", "clerk2", []),
    # received and finished on the spot today, so the hall screen's 今日办结 has something on a working day
    Spec(
        "46",
        "市场监管局",
        "仅销售预包装食品备案",
        "",
        "xuyan",
        "水果店兼营预包装食品备案",
        "market",
        [(0, "instant")],
    ),
    # 公安局
    Spec(
        "51",
        "公安局",
        "出生登记",
        "",
        "xuyan",
        "新生儿出生登记",
        "police",
        [
            (21, "accept"),
            (21, "claim"),
            (21, "decide", True, ""),
            (21, "deliver", "window"),
            (21, "complete"),
        ],
    ),
    Spec(
        "52",
        "公安局",
        "无犯罪记录证明开具",
        "",
        "yangcs",
        "出国务工需开具无犯罪记录证明",
        "police",
        [(6, "accept"), (6, "claim"), (5, "decide", True, ""), (5, "deliver", "window"), (5, "complete")],
    ),
    Spec("53", "公安局", "居住证签注", "", "raoyf", "居住证年度签注", "police", [(3, "instant")]),
    Spec(
        "54",
        "公安局",
        "临时居民身份证申领",
        "",
        "jiangxh",
        "身份证丢失申领临时身份证",
        "police",
        [(1, "instant")],
    ),
    # 社保中心、人社局
    Spec(
        "61",
        "社保中心",
        "社会保障卡申领",
        "",
        "zhoulp",
        "首次申领社会保障卡",
        "social",
        [
            (13, "accept"),
            (13, "claim"),
            (12, "decide", True, ""),
            (12, "deliver", "window"),
            (12, "complete"),
        ],
    ),
    Spec(
        "62",
        "社保中心",
        "失业保险金申领",
        "",
        "huangzl",
        "企业经济性裁员后申领失业保险金",
        "social",
        [(2, "accept"), (1, "claim")],
    ),
    Spec(
        "63",
        "社保中心",
        "城乡居民基本养老保险参保登记",
        "",
        "guisq",
        "城乡居民养老保险参保",
        "social",
        [(4, "instant")],
    ),
    Spec(
        "64",
        "人社局",
        "就业创业证申领",
        "",
        "xuyan",
        "灵活就业申领就业创业证",
        "clerk",
        [
            (19, "accept"),
            (19, "claim"),
            (19, "decide", True, ""),
            (18, "deliver", "window"),
            (18, "complete"),
        ],
    ),
    # 生态环境局
    Spec(
        "71",
        "生态环境局",
        "排污许可",
        "",
        "yetong",
        "新建废水处理线申请排污许可",
        "clerk",
        [(15, "accept"), (14, "claim"), (6, "step", "审查通过,排放限值符合要求"), (5, "claim")],
    ),
    Spec(
        "72",
        "生态环境局",
        "建设项目环境影响报告表审批",
        "",
        "guanghe",
        "年产2万吨铜箔项目环评报告表",
        "clerk2",
        [
            (27, "accept"),
            (26, "claim"),
            (23, "step", "报告表编制规范"),
            (22, "claim"),
            (21, "step", "现场核查与报告一致"),
            (20, "claim"),
            (19, "decide", True, ""),
            (18, "deliver", "window"),
            (18, "complete"),
        ],
    ),
    Spec("73", "生态环境局", "固定污染源排污登记", "", "xinda", "搅拌站排污登记", "eco", [(9, "instant")]),
    # 税务局
    Spec("81", "税务局", "发票领用", "", "hongyuan", "首次领用增值税发票", "tax", [(5, "instant")]),
    Spec("82", "税务局", "代开增值税发票", "", "wuhg", "个人出租房屋代开发票", "tax", [(1, "instant")]),
]
DEEMED = "15"  # received 8 working days ago, no intake decision: deemed accepted by the daily task
_loaded_here: list[str] = []  # what this process loaded (evaluation may load the cases first)
RECEIVED_AGO = {"05": 0, "09": 3, "15": 8, "36": 1, "44": 3, "45": 0}


def _users() -> dict:
    User = get_user_model()
    names = {n for roles in HANDLERS.values() for n in roles.values()} | {s.clerk for s in SPECS}
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _item(org: str, name: str, sub: str) -> ServiceItem:
    item = (
        ServiceItem.objects.filter(
            organisation__short_name=org,
            organisation__region__code=REGION,
            current_version__name=name,
            current_version__sub_name=sub,
        )
        .order_by("pk")
        .first()
    )
    if item is None:
        raise LookupError(f"{org}「{name}{sub and '(' + sub + ')'}」")
    return item


class Days:
    """Working days counted back from today (0 = today, or the last working day if today is not one, or if the centre
    has not been open an hour yet: a demo loaded at 07:00 has nothing received before opening)."""

    OPENED_FOR_AN_HOUR = dt.time(10, 0)

    def __init__(self) -> None:
        self.calendar = current_calendar()
        now = clock.now().astimezone(clock.LOCAL)
        day = now.date() if now.time() >= self.OPENED_FOR_AN_HOUR else now.date() - dt.timedelta(days=1)
        while not self.calendar.check(day).workday:
            day -= dt.timedelta(days=1)
        self.days = [day]

    def ago(self, n: int) -> dt.date:
        while len(self.days) <= n:
            day = self.days[-1] - dt.timedelta(days=1)
            while not self.calendar.check(day).workday:
                day -= dt.timedelta(days=1)
            self.days.append(day)
        return self.days[n]


class Moments:
    """Increasing moments for one record's history: working hours on the given day, never after the real now."""

    def __init__(self, days: Days, seed: str) -> None:
        self.days, self.rand, self.last = days, random.Random(seed), None
        self.limit = clock.now() - dt.timedelta(minutes=5)

    def at(self, ago: int) -> dt.datetime:
        day = self.days.ago(ago)
        start = dt.datetime.combine(day, dt.time(9, self.rand.randint(0, 50)), tzinfo=clock.LOCAL)
        if self.last is not None and self.last.astimezone(clock.LOCAL).date() == day:
            start = self.last + dt.timedelta(minutes=self.rand.randint(6, 45))
        moment = min(start, self.limit)
        if self.last is not None and moment <= self.last:
            moment = self.last + dt.timedelta(seconds=30)
        self.last = moment
        return moment


def _applicant(key: str) -> Applicant:
    kind, name, number, phone, rep = PEOPLE[key]
    return services.register_applicant(
        kind=kind,
        name=name,
        id_number=number,
        phone=phone,
        address="江西省贵溪市雄石街道" if kind == "natural" else "江西省贵溪市花园街道",
        legal_representative=rep,
    )


def _agent(key: str) -> dict | None:
    """The 代办人 the clerk records at the counter: a person of PEOPLE, with their resident ID and phone."""
    if not key:
        return None
    _kind, name, number, phone, _rep = PEOPLE[key]
    return {"name": name, "id_number": number, "phone": phone}


def _holder(users: dict, case: Case):
    step = case.steps.filter(state=CaseStep.State.OPEN).first()
    if step is None:
        return None, None
    return step, users.get(HANDLERS[case.organisation.short_name].get(step.role, ""))


def _paper(case: Case) -> list[int]:
    """The clerk's paper checklist at acceptance: what was received on paper at the counter's 收件 and every
    required material still not provided."""
    from zhengwu.cases import handling

    missing = {m["position"] for m in handling.missing(case)}
    return sorted(missing | set(handling.counter_paper(case)))


def _counter_paper(spec: Spec, item: ServiceItem) -> list[int]:
    """已收纸质件 at the counter's 收件: the applicant hands over on paper every material the counter's checklist
    offers (selectors.counter_paper_checklist) that the script does not scan, so a case waiting for acceptance shows
    them received, not 未提供 — for an agent's application its power of attorney too (the item's own 委托书
    material, else the 授权委托书 outside its list), as the clerk ticks it on the counter's form."""
    scanned = {p for _ago, action, *args in spec.script if action == "scan" for p in args[0]}
    rows = selectors.counter_paper_checklist(item.current_version, agent=bool(spec.agent))
    positions = [row["position"] for row in rows if row["position"] not in scanned]
    if spec.agent and selectors.own_power_of_attorney(item.current_version) is None:
        positions.insert(0, selectors.POWER_OF_ATTORNEY)  # the 授权委托书 outside the item's list
    return positions


@functools.cache
def _scanned_page() -> bytes:
    """One blank A4 page as a PDF: what the counter's scanner makes of a paper handed in, for the demo (the same
    bytes every time: made once)."""
    import io

    import pypdf

    writer, out = pypdf.PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


def _scan(case: Case, positions: list[int], clerk) -> None:
    """The counter scans the papers the applicant handed in, each as its material's file (代申请人上传)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    names = {m.position: m.name for m in case.version.materials.all()}
    page = _scanned_page()
    for position in positions:
        upload = SimpleUploadedFile(f"{names[position][:40]}.pdf", page, "application/pdf")
        services.upload_material(case=case, by=clerk, position=position, upload=upload)


def _run(case: Case, action: str, args: tuple, users: dict, clerk) -> None:
    step, holder = _holder(users, case)
    if action == "scan":
        _scan(case, list(args[0]), clerk)
    elif action == "accept":
        # the clerk's paper checklist: the applicant handed in on paper every required material not uploaded
        services.accept_case(case=case, by=clerk, paper=_paper(case))
    elif action == "supplement":
        services.request_supplement(case=case, by=clerk, items=[{"position": args[0], "problem": args[1]}])
    elif action == "supply":
        services.supply_supplement(case=case, by=clerk, paper=list(args[0]))
    elif action == "refuse":
        services.refuse_case(case=case, by=clerk, reason=args[0], legal_basis=args[1])
    elif action == "claim":
        if step.assignee_id is None:
            services.claim_step(case=case, by=holder)
    elif action == "step":
        if step.assignee_id is None:
            services.claim_step(case=case, by=holder)
        services.complete_step(case=case, by=holder, opinion=args[0])
    elif action == "decide":
        services.decide_case(case=case, by=holder or clerk, grant=args[0], reasons=args[1])
    elif action == "deliver":
        services.deliver_result(case=case, by=clerk, method=args[0])
    elif action == "complete":
        services.complete_case(case=case, by=clerk)
    elif action == "suspend":
        services.suspend_case(case=case, by=holder, kind=args[0], reason=args[1], expected_days=args[2])
    elif action == "resume":
        services.resume_case(
            case=case, by=users[HANDLERS[case.organisation.short_name]["approver"]], note="听证结束,恢复办理"
        )
    elif action == "extend":
        request = services.request_extension(case=case, by=holder, days=args[0], reason=args[1])
        head = users[HANDLERS[case.organisation.short_name]["department_head"]]
        services.decide_extension(extension=request, by=head, approve=True, note="同意延期")
    elif action == "withdraw":
        services.withdraw_case(case=case, by=clerk, reason=args[0])
    elif action == "terminate":
        services.terminate_case(case=case, by=holder, reason=args[0])
    elif action == "instant":
        services.handle_instantly(case=case, by=clerk, grant=True, paper=_paper(case))
        if case.status == Status.DECIDED and (lent := ACTIONS.get("notice")):
            # 统一收费 at the counter (临时居民身份证): the notice issued and paid before the result is handed over
            lent(case, [[f.code for f in case.version.fees.all() if f.code]], clerk)
            services.deliver_result(case=case, by=clerk, method="window")
            services.complete_case(case=case, by=clerk)
    elif action == "notice":
        if lent := ACTIONS.get(action):
            lent(case, args, clerk)
    else:  # pragma: no cover - a typo in the table above
        raise ValueError(action)


def _load_one(spec: Spec, users: dict, days: Days) -> Case:
    clerk = users[spec.clerk]
    staff = access.staff_of(clerk)
    moments = Moments(days, spec.key)
    received_ago = spec.script[0][0] if spec.script else RECEIVED_AGO[spec.key]
    with clock.frozen(moments.at(received_ago)):
        applicant = _applicant(spec.who)
        item = _item(spec.org, spec.item, spec.sub)
        case = services.submit_case(
            item=item,
            applicant=applicant,
            by=clerk,
            form={
                "subject": spec.subject,
                "contact_name": PEOPLE[spec.who][4] or PEOPLE[spec.who][1],
                "contact_phone": PEOPLE[spec.who][3],
                **ESTATE.get(spec.subject, {}),
                **PREMISES.get(spec.subject, {}),
            },
            agent=_agent(spec.agent),
            channel="counter",
            window=staff.window,
            idempotency_key=f"{DEMO_PREFIX}case-{spec.key}",
            paper=_counter_paper(spec, item),
        )
    for ago, action, *args in spec.script:
        with clock.frozen(moments.at(ago)):
            _run(case, action, tuple(args), users, clerk)
    return case


def demo_cases():
    return Case.objects.filter(idempotency_key__startswith=DEMO_PREFIX)


def load_demo() -> str:
    """Create the demo cases (once); a one-line summary."""
    portal_accounts()
    existing = demo_cases().count()
    if existing and _loaded_here:
        return f"办件演示:{_loaded_here.pop()}"  # said once, by the run that loaded them
    if existing:
        return f"办件演示:已存在({existing} 件),未重复载入"
    users = _users()
    days = Days()
    with transaction.atomic():
        for spec in SPECS:
            _load_one(spec, users, days)
        # The daily task finds the case nobody decided on within 5 working days (行政许可法 第三十二条).
        with clock.frozen(dt.datetime.combine(days.ago(1), dt.time(7, 30), tzinfo=clock.LOCAL)):
            services.deem_accepted()
    cases = demo_cases()
    statuses = cases.values_list("status", flat=True)
    summary = f"新增 {cases.count()} 件(状态 {len(set(statuses))} 种,办结 {sum(s == 'completed' for s in statuses)} 件)"
    return f"办件演示:{summary}"


def load_before_cases() -> str:
    """Load the demo cases for a domain that loads before cases (evaluation); the cases loader then reports them."""
    line = load_demo()
    if line.startswith("办件演示:新增"):
        _loaded_here.append(line.removeprefix("办件演示:"))
    return line


def portal_accounts() -> int:
    """The demo's portal accounts (PORTAL_LOGINS), each linked to its applicant and real-name checked; an applicant
    that has an account already is left alone, so a second run writes nothing. How many were made."""
    from zhengwu.core import audit
    from zhengwu.core.demo import demo_password

    made = 0
    User = get_user_model()
    with transaction.atomic():
        for key, (username, _purpose) in PORTAL_LOGINS.items():
            kind, _name, number, _phone, _rep = PEOPLE[key]
            applicant = Applicant.objects.filter(kind=kind, id_number=number).first() or _applicant(key)
            if applicant.user_id is not None:
                continue
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username, password=demo_password())
            applicant.user = user
            applicant.save(update_fields=["user"])
            audit.record("demo.portal_account", applicant, summary={"username": username})
            if applicant.verified_at is None:
                services.verify_real_name(applicant=applicant, by=user)
            made += 1
    return made


def demo_logins() -> list:
    """The portal accounts as `zhengwu demo` prints them, with the number each signs in with."""
    from zhengwu.core.demo import DemoLogin, demo_password

    logins = []
    for key, (username, purpose) in PORTAL_LOGINS.items():
        kind, name, number, _phone, rep = PEOPLE[key]
        applicant = Applicant.objects.filter(kind=kind, id_number=number, user__username=username).first()
        if applicant is None:
            continue
        logins.append(
            DemoLogin(
                roles=(PORTAL_ROLES[kind],),
                username=number,
                password=demo_password(),
                name=name if kind == "natural" else f"{rep}(法定代表人)",
                organisation="" if kind == "natural" else name,
                purpose=f"{purpose};也可用手机号 {username} 登录",
            )
        )
    return logins
