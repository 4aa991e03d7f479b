"""A year of past 12345 tickets for the demo county, generated to read like the real thing: what the dispatch
classifier learns from in the demo (`tickets.demo`) and is measured on in the benchmark (`bench/bench_tickets.py`).

Each department's typical matters (食品安全、无证经营、过期食品 → 市场监管局; 占道经营、广场舞噪音 → 城管局; 物业、
房屋质量 → 住建局; 拖欠工资 → 人社局; 养老金、社保卡 → 社保中心; 医保报销 → 医保局; 户籍、治安 → 公安局; 学校 →
教体局; 公交、出租车 → 交通运输局; 废气、污水、工地夜间施工 → 生态环境局; 违法占地 → 自然资源局; 窗口服务 → 政务
服务办 …) are written in several phrasings with places, shops and amounts of 贵溪市, in the way operators record a
call ("市民来电反映:…"), with the noise real records have: small talk, a second topic that belongs to another
department, a generic category chosen by the operator, and a few tickets led by the department next door (违建 by
自然资源局 or 城管局, a school canteen by 市场监管局 or 教体局). Deterministic for a seed; the rows are in the import
format of docs/data-formats.md ("Tickets") and go in through `tickets.importer`, like a centre's own history.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import string
from dataclasses import dataclass

# Categories the history needs beyond the demo's tree: code, name, parent code, default organisation short name.
EXTRA_CATEGORIES = [
    ("GX0103", "无证经营", "GX01", "市场监管局"),
    ("GX0202", "市容环卫", "GX02", "城管局"),
    ("GX0203", "违法建设", "GX02", "城管局"),
    ("GX0303", "水污染", "GX03", "生态环境局"),
    ("GX0402", "房屋质量", "GX04", "住建局"),
    ("GX0503", "医疗保障", "GX05", "医保局"),
    ("GX0601", "治安管理", "GX06", "公安局"),
    ("GX08", "教育", None, "教体局"),
    ("GX09", "交通出行", None, "交通运输局"),
    ("GX10", "国土资源", None, "自然资源局"),
    ("GX1001", "不动产登记", "GX10", "不动产登记中心"),
    ("GX11", "税务", None, "税务局"),
    ("GX99", "其他", None, None),
]
GENERIC_CATEGORY = "GX99"


@dataclass(frozen=True)
class Matter:
    """One kind of thing people call about, who leads it, and how they say it."""

    organisation: str  # short name of the lead organisation
    category: str  # the category an operator usually files it under
    kind: str
    calls: tuple[str, ...]  # "title|content" templates; {slots} from SLOTS
    also: str = ""  # a department that sometimes leads it instead (arguable, or local practice)


MATTERS = [
    # 市场监管局
    Matter(
        "市场监管局",
        "GX0102",
        "complaint",
        (
            "超市出售过期食品|在{road}{shop}买的{food}已经过期{days}天了,商家不给退换,要求查处",
            "过期食品|{shop}出售过期{food},小孩吃了以后肚子不舒服",
            "食品标签涂改|{shop}货架上的{food}生产日期被重新贴过标签,怀疑是过期食品翻新",
            "小卖部卖过期食品|{town}学校旁边一家小卖部卖过期的{food}和饮料,专门卖给学生",
            "购买到变质食品|昨天在{shop}买的{food}打开已经发霉变质,商家说不关他们的事",
        ),
    ),
    Matter(
        "市场监管局",
        "GX0102",
        "complaint",
        (
            "饭店饭菜不卫生|在{road}{eatery}吃完饭后家里{n}个人都拉肚子,怀疑饭菜不干净",
            "外卖有异物|外卖平台点的{eatery}的饭菜里吃出了头发和虫子,后厨卫生很差",
            "餐馆后厨卫生差|{road}{eatery}后厨老鼠乱窜,还用地沟油炒菜",
            "餐馆使用过期食材|{eatery}用过期的肉做菜,员工都知道",
            "餐饮从业人员无健康证|{road}{eatery}的厨师没有健康证,徒手抓熟食",
        ),
    ),
    Matter(
        "市场监管局",
        "GX0103",
        "report",
        (
            "无证加工食品|{town}{village}有人在自家民房里无证加工{food},卫生条件很差",
            "无证经营餐饮|{road}新开的{eatery}没有营业执照和食品经营许可证",
            "食品黑作坊|{community}楼下有人开黑作坊做{food},没有任何证照",
            "无证药店|{town}街上一家药店没有药品经营许可证还在卖药",
        ),
    ),
    Matter(
        "市场监管局",
        "GX0101",
        "complaint",
        (
            "价格欺诈|在{shop}买东西标价{price}元,结账时收了{price2}元",
            "维修乱收费|{road}一家手机维修店换屏报价{price}元,修完收了{price2}元",
            "缺斤少两|{town}农贸市场{vendor}的秤不准,买一斤肉少了二两",
            "先涨价后打折|{shop}搞促销先涨价后打折,属于价格欺诈",
        ),
    ),
    Matter(
        "市场监管局",
        "GX0101",
        "complaint",
        (
            "预付卡退费|在{road}{club}办了{amount}元的年卡,现在店关门了联系不上老板,要求退款",
            "商家停业不退费|{club}突然停业,预付卡里还有{amount}元没用完",
            "培训费不退|给孩子在{club}交了{amount}元课时费,商家现在不退钱",
        ),
    ),
    Matter(
        "市场监管局",
        "GX0101",
        "complaint",
        (
            "商品质量问题|在{shop}买的{product}用了{days}天就坏了,商家拒绝三包",
            "销售假冒商品|{road}一家店卖假冒名牌{product}",
            "保健品虚假宣传|{shop}宣传保健品能治高血压糖尿病,专门向老人推销",
            "网购商品与宣传不符|网购的{product}与宣传不符,商家在本地注册,要求处理",
        ),
    ),
    Matter(
        "市场监管局",
        "GX01",
        "complaint",
        (
            "电梯年检过期|{community}电梯合格证上的检验日期已经过期{months}个月",
            "自动扶梯故障|{road}商场的自动扶梯经常急停,担心安全",
        ),
        also="住建局",
    ),
    # 城管局
    Matter(
        "城管局",
        "GX0201",
        "complaint",
        (
            "占道经营|{road}路边摊贩占道经营,把人行道和盲道都堵了",
            "流动摊贩堵门|{community}门口每天早上都有卖菜的占道,车子进不去",
            "夜市占道|{road}夜市摊位占用机动车道,晚上经常堵车",
            "水果摊占道|{road}水果摊把货摆到马路上,行人只能走机动车道",
        ),
    ),
    Matter(
        "城管局",
        "GX0201",
        "complaint",
        (
            "广场舞噪音|{community}旁边广场舞音响声音太大,晚上十点还不停",
            "商铺喇叭扰民|{road}几家服装店门口用大喇叭循环播放促销广告,吵得受不了",
            "烧烤店扰民|{community}楼下烧烤店每天营业到凌晨{hour}点,噪音和油烟扰民",
            "高音喇叭招揽生意|{road}有商户在店门口放高音喇叭招揽生意",
        ),
        also="公安局",
    ),
    Matter(
        "城管局",
        "GX0202",
        "complaint",
        (
            "垃圾未清运|{road}垃圾桶满了{days}天都没有人清运,臭气熏天",
            "路灯不亮|{road}路灯坏了一个多月,晚上走路很危险",
            "公厕脏乱|{community}外面的公共厕所没人打扫,脏得没法进",
            "井盖缺失|{road}有一个井盖缺失,已经有人摔伤了",
            "渣土车撒漏|渣土车沿着{road}一路撒漏泥土,下雨天全是泥",
        ),
    ),
    Matter(
        "城管局",
        "GX0203",
        "report",
        (
            "楼顶违章搭建|{community}{n}栋顶楼业主在楼顶违章搭建彩钢棚",
            "商户违规扩建|{road}有商户私自扩建门面,占用公共绿地",
            "住户私建房屋|{community}一楼住户把院子围起来盖房子",
        ),
        also="自然资源局",
    ),
    Matter(
        "城管局",
        "GX0202",
        "complaint",
        (
            "广告牌松动|{road}{shop}的广告牌松动,刮风的时候摇晃,担心掉下来砸人",
            "横幅乱挂|{road}路边的广告横幅乱挂,遮挡红绿灯",
        ),
    ),
    # 生态环境局
    Matter(
        "生态环境局",
        "GX0302",
        "complaint",
        (
            "工厂排放废气|{factory}晚上偷偷排放废气,气味刺鼻,周边居民睡不着",
            "烟囱冒黑烟|冶金大道附近{factory}烟囱冒黑烟",
            "焚烧塑料垃圾|{village}有人在田里焚烧塑料垃圾,浓烟很大",
            "喷漆异味|{community}附近有家喷漆厂油漆味很重,小孩闻了头晕",
        ),
    ),
    Matter(
        "生态环境局",
        "GX0303",
        "report",
        (
            "偷排污水|{factory}往{river}偷排污水,河水发黑发臭,鱼都死了",
            "养殖污染|{village}养猪场粪水直接排进{river}",
            "洗车污水直排|{town}有洗车店把污水直接排到雨水管道",
        ),
    ),
    Matter(
        "生态环境局",
        "GX0301",
        "complaint",
        (
            "夜间施工噪声|{road}{site}工地每天晚上十二点以后还在打桩",
            "工地凌晨施工|{community}旁边的工地凌晨还在施工,严重影响休息",
            "工厂噪声|{factory}机器噪音日夜不停,附近居民无法休息",
            "泵车夜间作业|{site}工地半夜用混凝土泵车作业,声音很大",
        ),
        also="城管局",
    ),
    # 住建局
    Matter(
        "住建局",
        "GX0401",
        "complaint",
        (
            "电梯故障物业不修|{community}电梯坏了{days}天物业一直不修,老人上下楼很困难",
            "物业服务差|{community}物业服务差,楼道灯不亮、垃圾不清理,还要涨物业费",
            "物业乱收停车费|{community}物业未经业主大会同意上调停车费",
            "物业保安不作为|{community}物业保安不作为,小区里电动车经常被偷",
            "小区无人管理|{community}物业公司撤走了,小区没人管",
            "消防通道被堵|{community}消防通道被堵,物业不管",
        ),
    ),
    Matter(
        "住建局",
        "GX0402",
        "complaint",
        (
            "房屋质量问题|新买的{estate}房子墙面开裂、卫生间漏水,开发商不处理",
            "开发商逾期交房|{estate}开发商逾期{months}个月还没有交房",
            "办不了产权证|{estate}交房快两年了还办不了产权证,开发商说手续不全",
            "外墙瓷砖脱落|{estate}外墙瓷砖脱落,砸坏了楼下的车",
        ),
    ),
    Matter(
        "住建局",
        "GX04",
        "help",
        (
            "燃气管道异味|{community}楼道里燃气管道有异味,担心泄漏",
            "老旧小区改造进度慢|{community}老旧小区改造施工进度很慢,路挖开了一个月没人管",
            "公租房申请进度|申请公租房{months}个月了一直没有结果,想问进度",
            "维修资金使用|住宅专项维修资金怎么申请使用,小区屋顶要修",
        ),
    ),
    # 人社局
    Matter(
        "人社局",
        "GX0501",
        "complaint",
        (
            "拖欠工资|在{company}干了{months}个月,老板拖欠工资{amount}元不给",
            "拖欠农民工工资|{site}工地包工头拖欠我们{n}个农民工的工资,一共{amount}元",
            "公司欠薪|{company}已经{months}个月没发工资了,老板说没钱",
            "离职不结工资|离职以后{company}一直不结算最后一个月的工资",
        ),
    ),
    Matter(
        "人社局",
        "GX0501",
        "help",
        (
            "不签劳动合同|{company}不和员工签劳动合同,也不买社保",
            "工伤不申报|在{company}上班时手被机器压伤,公司不给申报工伤",
            "辞退不给补偿|{company}单方面辞退我,不给经济补偿",
            "强制加班|{company}强制员工每天加班到晚上十点,没有加班费",
        ),
    ),
    Matter(
        "人社局",
        "GX05",
        "consult",
        (
            "创业补贴未发放|去年申请的一次性创业补贴到现在还没有发",
            "技能培训报名|想参加政府组织的{training}技能培训,问怎么报名",
            "就业补贴咨询|大学毕业回贵溪就业,问有没有就业补贴",
        ),
    ),
    # 社保中心
    Matter(
        "社保中心",
        "GX0502",
        "help",
        (
            "养老金未到账|父亲退休审批已经通过,但是养老金{months}个月了还没到账",
            "养老保险转移|在外省交的养老保险想转回贵溪,问怎么办理",
            "灵活就业参保|自己开网约车,问灵活就业人员怎么交养老保险",
            "缴费记录缺失|养老保险缴费记录少了{months}个月,要求核实",
        ),
    ),
    Matter(
        "社保中心",
        "GX0502",
        "consult",
        (
            "社保卡补办|社保卡丢了,问怎么补办",
            "社保卡激活|新领的社保卡激活不了,银行让找社保",
            "失业金申领|被公司裁员了,问失业保险金怎么申领",
            "社保卡冻结|社保卡的金融账户被冻结了,问怎么解冻",
        ),
    ),
    # 医保局
    Matter(
        "医保局",
        "GX0503",
        "help",
        (
            "异地住院报销|在外地住院{days}天花了{amount}元,回来医保报销不了",
            "异地就医备案|父母在{city}跟我们住,问异地就医备案怎么办",
            "报销比例低|住院医保报销比例太低,自己还要出{amount}元",
            "慢特病认定|门诊慢特病待遇认定申请了一个月还没批",
        ),
    ),
    Matter(
        "医保局",
        "GX0503",
        "consult",
        (
            "居民医保缴费|城乡居民医保今年怎么缴费,在手机上交不了",
            "医保缴费失败|给孩子交居民医保显示缴费失败,钱扣了",
            "新生儿参保|新生儿怎么参加居民医保",
        ),
    ),
    Matter(
        "医保局",
        "GX0503",
        "report",
        (
            "诊所违规刷医保卡|{town}一家诊所用病人的医保卡刷生活用品",
            "药店医保卡买化妆品|{road}有药店让顾客用医保卡买化妆品和保健品",
            "挂床住院骗保|{town}有医院挂床住院骗医保",
        ),
    ),
    # 公安局
    Matter(
        "公安局",
        "GX06",
        "consult",
        (
            "新生儿落户|孩子在外地出生,问回贵溪怎么上户口",
            "户口迁移|结婚以后想把户口迁到老公家,要带什么材料",
            "临时身份证|身份证丢了,下周要坐高铁,问能不能办临时身份证",
            "户籍证明|办理户籍证明要去哪个派出所",
            "户口迁移要求开证明|在{town}派出所办户口迁移,被要求开各种证明",
        ),
    ),
    Matter(
        "公安局",
        "GX0601",
        "report",
        (
            "聚众赌博|{town}{village}有人在民房里聚众赌博",
            "电动车被盗|{community}最近一个月连续有{n}辆电动车被盗",
            "深夜飙车|每天深夜都有人在{road}飙车炸街,吵得睡不着",
            "疑似诈骗|{road}有人在路口拦人推销,疑似诈骗",
        ),
    ),
    # 教体局
    Matter(
        "教体局",
        "GX08",
        "complaint",
        (
            "学校乱收费|{school}让学生统一购买教辅资料,每人收{price}元",
            "教师有偿补课|{school}老师在家里办补习班,暗示学生必须参加",
            "培训机构跑路|{training}培训机构收了学费以后关门了,老板联系不上",
            "午托收费|{school}午托收费太高,也没有公示收费标准",
        ),
    ),
    Matter(
        "教体局",
        "GX08",
        "consult",
        (
            "小学入学报名|孩子今年上小学,户口和房子不在一个学区,问怎么报名",
            "转学手续|从外地转学到{school},要准备什么材料",
            "就近入学|{community}的孩子被分到很远的学校,要求就近入学",
            "学位分配|问今年初中学位分配什么时候公布",
        ),
    ),
    Matter(
        "教体局",
        "GX08",
        "complaint",
        (
            "学校食堂|{school}食堂饭菜质量差,孩子经常吃不饱",
            "老师体罚学生|{school}的老师体罚学生,孩子不敢去上学",
            "校门口交通安全|{school}门口上下学时段车辆乱停,孩子过马路很危险",
            "校车超载|{school}校车超载,一辆车坐了三十多个孩子",
        ),
        also="市场监管局",
    ),
    # 交通运输局
    Matter(
        "交通运输局",
        "GX09",
        "complaint",
        (
            "公交车不按时发车|{bus}路公交车经常不按时发车,一等就是四十分钟",
            "公交司机开车打电话|{bus}路公交车司机开车时打电话,乘客提醒还骂人",
            "公交不进站|{bus}路公交车不进站停靠,老人追不上",
            "建议开通公交线路|建议开通到{town}的公交线路,现在只能坐摩的",
        ),
    ),
    Matter(
        "交通运输局",
        "GX09",
        "complaint",
        (
            "出租车拒载|在火车站打出租车,司机拒载还要求拼车",
            "出租车不打表|出租车不打表,到{community}收了{price}元",
            "班车停运|到{town}的客运班车突然停运,也没有通知",
            "班车超载|{town}开往市区的班车严重超载",
        ),
    ),
    Matter(
        "交通运输局",
        "GX09",
        "complaint",
        (
            "农村公路破损|{town}到{village}的公路坑坑洼洼,下雨天没法走",
            "路面塌陷|{road}路面塌陷一个大坑,已经有电动车摔倒",
            "村道被压坏|{village}的村道被大货车压坏了,要求修复",
        ),
        also="城管局",
    ),
    # 自然资源局
    Matter(
        "自然资源局",
        "GX10",
        "report",
        (
            "占用耕地建房|{town}{village}有人占用基本农田建房",
            "非法采砂|{river}{village}段有人晚上非法采砂",
            "未批先建|{town}有企业未批先建,占用耕地堆放建筑材料",
            "挖山取土|{village}有人挖山取土卖钱",
        ),
        also="城管局",
    ),
    Matter(
        "自然资源局",
        "GX10",
        "consult",
        (
            "宅基地建房手续|想在自家宅基地上翻建房子,问要办什么手续",
            "征地补偿款|{village}的征地补偿款到现在还没有发放到位",
            "规划许可|办理建设工程规划许可证需要多长时间",
        ),
    ),
    # 不动产登记中心
    Matter(
        "不动产登记中心",
        "GX1001",
        "consult",
        (
            "二手房过户|二手房过户需要带什么材料,要多长时间",
            "不动产证办理进度|办理不动产权证书{days}天了还没拿到,问进度",
            "抵押注销|房贷还清了,问抵押登记怎么注销",
            "继承登记|继承父母的房子,问不动产登记怎么办",
        ),
    ),
    # 税务局
    Matter(
        "税务局",
        "GX11",
        "consult",
        (
            "领用发票|个体户第一次领发票,问要带什么",
            "个税退税|个人所得税汇算清缴退税一直没到账",
            "不给开发票|{shop}买东西不给开发票",
            "代开发票|出租房屋要代开发票,问在哪里办理",
        ),
    ),
    # 政务服务办
    Matter(
        "政务服务办",
        "GX0701",
        "complaint",
        (
            "窗口服务态度差|在市政务服务中心{window}号窗口办事,工作人员态度很差",
            "办事来回跑|办理{matter}来回跑了三趟,每次都说材料不全,没有一次性告知",
            "中午不办事|政务服务中心中午不办事,上班族请假都办不了",
            "排队时间长|在中心排队两个小时,取号机还坏了",
        ),
    ),
    Matter(
        "政务服务办",
        "GX0701",
        "consult",
        (
            "周六能否办事|问市政务服务中心周六上午能不能办{matter}",
            "网上办事报错|赣服通上办理{matter}一直提示系统错误",
            "预约办理|想问政务服务中心能不能预约办理,怎么预约",
            "一次办完|营业执照和税务登记能不能在政务服务中心一次办完",
        ),
    ),
]

# Relative volumes, as a county hotline sees them (物业 and 城管 lead, 不动产 and 税务 are rare).
WEIGHTS = {
    "住建局": 15, "城管局": 14, "市场监管局": 14, "生态环境局": 8, "人社局": 8, "公安局": 7, "教体局": 7,
    "交通运输局": 6, "社保中心": 5, "医保局": 5, "自然资源局": 4, "政务服务办": 4, "不动产登记中心": 2, "税务局": 2,
}  # fmt: skip

SLOTS = {
    "road": ["建设路", "人民路", "解放路", "民主路", "信江大道", "冶金大道", "花园路", "东门路", "雄石路", "象山路",
             "工业大道", "站前路", "滨江大道", "天禄大道", "环城路"],
    "community": ["花园小区", "信江新城", "铜都家园", "滨江花园", "雄石苑", "冶金新村", "阳光城", "锦绣华府",
                  "金色家园", "东门小区", "江南世家", "状元府"],
    "estate": ["锦绣华府", "江南世家", "信江明珠", "状元府", "滨江一号", "天禄名城"],
    "town": ["志光镇", "鸿塘镇", "流口镇", "罗河镇", "金屯镇", "塘湾镇", "河潭镇", "周坊镇", "泗沥镇", "文坊镇",
             "冷水镇", "滨江镇", "耳口乡", "白田乡", "彭湾乡"],
    "village": ["上祝村", "排下村", "石港村", "塘湾村", "河潭村", "周坊村", "白田村", "冷水村", "东山村", "新田村"],
    "shop": ["万家福超市", "惠民生鲜超市", "一家便利店", "路口的小超市", "农贸市场旁边的副食店", "百货商场",
             "连锁超市", "社区团购店"],
    "food": ["酸奶", "牛奶", "面包", "月饼", "火腿肠", "饮料", "零食", "速冻饺子", "熟食", "豆腐"],
    "eatery": ["快餐店", "烧烤店", "早餐店", "米粉店", "火锅店", "卤菜店", "奶茶店", "小饭馆"],
    "club": ["健身房", "美容院", "游泳馆", "舞蹈培训班", "理发店", "洗车店"],
    "product": ["电动车电瓶", "空调", "手机", "热水器", "化肥", "农药", "洗衣机", "电视机"],
    "company": ["某装修公司", "一家电子厂", "某物流公司", "一家铜加工厂", "某建筑公司", "一家餐饮公司",
                "某保洁公司", "一家服装厂"],
    "factory": ["一家化工厂", "一家铜冶炼厂", "一家石料厂", "一家塑料厂", "一家砖厂", "一家搅拌站"],
    "river": ["信江", "罗塘河", "白塔河", "泗沥河"],
    "site": ["某小区二期", "安置房项目", "商业综合体", "学校扩建", "道路改造"],
    "school": ["实验小学", "第二中学", "雄石小学", "花园中学", "东门小学", "一所民办幼儿园", "第一中学"],
    "training": ["英语", "电工", "育婴师", "电商", "挖掘机", "美术"],
    "bus": ["1", "2", "3", "5", "6", "8", "11", "12"],
    "city": ["南昌", "上海", "深圳", "杭州", "鹰潭"],
    "matter": ["营业执照", "不动产登记", "社保转移", "公积金提取", "食品经营许可", "居住证"],
    "window": ["5", "12", "18", "21", "26"],
    "vendor": ["一个卖肉的摊位", "一家水果摊", "一个卖鱼的摊主"],
}  # fmt: skip

OPENERS = ["市民来电反映:", "来电人称,", "网友留言:", "群众反映,", "", "", "", "来电人反映,"]
CLOSERS = {
    "complaint": ["要求相关部门尽快处理。", "请相关部门核实处理。", "希望有关部门管一管。", "要求给个说法。", "",
                  "望尽快解决。"],
    "report": ["要求查处。", "请相关部门核实查处。", "希望有关部门依法处理。", ""],
    "help": ["希望帮忙解决。", "请相关部门协调处理。", "望尽快答复。", ""],
    "consult": ["请告知办理方法。", "请相关部门答复。", "", "谢谢。"],
}  # fmt: skip
# Calls chasing an earlier one say nothing of the matter itself: the operator knows it, the text does not.
CHASERS = [
    "上次反映的问题到现在还没有解决,要求尽快处理。", "之前打过12345,说好一周内答复,到现在没人联系。",
    "催办:前几天反映的事情还没有回音。",
]  # fmt: skip
# Small talk and asides that carry no sign of who should act: said by anyone, or with a complaint or report.
ASIDES = ["我是老人,不会用手机,只能打电话。", "麻烦尽快,谢谢。", "之前打过电话,没人说得清楚。"]
COMPLAINT_ASIDES = [
    "之前已经反映过好几次,一直没人管。", "情况属实,可以到现场看。", "周边很多人都有意见。", "已经拍了照片和视频。",
]  # fmt: skip

REPLIES = {
    "市场监管局": "经市场监管局执法人员现场检查,情况属实,已责令经营者整改并依法立案调查,结果已告知来电人。",
    "城管局": "城管执法中队已到现场处置,责令当事人限期整改,并纳入日常巡查。",
    "生态环境局": "生态环境局执法人员现场核查,已责令企业停止违法行为并立案处罚,将持续监测。",
    "住建局": "住建局已约谈物业服务企业(开发企业),督促其限期整改,并将整改情况告知来电人。",
    "人社局": "劳动保障监察大队已立案调查,责令用人单位限期支付,已为来电人追回款项。",
    "社保中心": "社保中心已核实并办理,已电话告知来电人办理结果和所需材料。",
    "医保局": "医保局已核实情况,按政策办理,并已电话告知来电人报销(缴费)办法。",
    "公安局": "辖区派出所已受理并处置,已将办理结果和所需材料告知来电人。",
    "教体局": "教体局已责成学校(机构)整改,并对相关人员进行约谈,结果已告知来电人。",
    "交通运输局": "交通运输局已约谈运营企业,责令整改并加强线路监管,已回复来电人。",
    "自然资源局": "自然资源局执法人员现场核查,已下达责令停止违法行为通知书并立案调查。",
    "不动产登记中心": "不动产登记中心已电话告知来电人所需材料和办理进度。",
    "税务局": "税务局已核实并处理,已电话告知来电人办理方法。",
    "政务服务办": "政务服务办已核实情况,对相关窗口人员进行批评教育,并已协调为来电人办结。",
}
SURNAMES = "王李张刘陈杨黄吴周徐胡朱何罗郭程邹曾彭余饶桂涂祝龚叶汪邵姜熊万江付方夏舒雷熊聂柯"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华红建国志文斌海波燕玲萍辉鹏春梅琴云峰亮林"
MOBILE_PREFIXES = ["139", "138", "137", "135", "159", "158", "187", "188", "150", "152", "136", "178", "189"]


def _fill(template: str, rng: random.Random) -> str:
    values = {}
    for _text, name, _spec, _conv in string.Formatter().parse(template):
        if name and name not in values:
            values[name] = _slot(name, rng)
    return template.format(**values)


def _slot(name: str, rng: random.Random) -> str:
    if name in SLOTS:
        return rng.choice(SLOTS[name])
    price = rng.choice([15, 28, 35, 50, 80, 120, 200, 260])
    return {
        "days": str(rng.randint(2, 20)),
        "months": str(rng.randint(2, 8)),
        "n": str(rng.randint(2, 9)),
        "hour": str(rng.randint(1, 3)),
        "amount": str(rng.choice([1800, 2600, 3000, 4500, 6800, 12000, 18600, 25000])),
        "price": str(price),
        "price2": str(price * rng.choice([2, 3]) + rng.choice([0, 10, 30])),
    }[name]


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
    return name, rng.choice(MOBILE_PREFIXES) + "".join(rng.choice(string.digits) for _ in range(8))


def _matters_by_organisation() -> dict[str, list[Matter]]:
    by: dict[str, list[Matter]] = {}
    for matter in MATTERS:
        by.setdefault(matter.organisation, []).append(matter)
    return by


def generate(
    count: int,
    *,
    organisations: dict[str, str],
    end: dt.datetime,
    days: int = 365,
    seed: int = 12345,
    townships: list[str] | None = None,
) -> list[dict]:
    """`count` past tickets in the import format, received over the `days` before `end`, oldest first.
    `organisations` maps short names to USCCs (the lead organisation is given by USCC); `townships` are region
    codes to locate about half of them in."""
    rng = random.Random(seed)
    by_organisation = _matters_by_organisation()
    names = list(WEIGHTS)
    weights = [WEIGHTS[n] for n in names]
    # Calls come in office hours and the evening; the last one a week before `end`, so every reply and follow-up
    # is in the past.
    moments = sorted(
        dt.datetime.combine(
            (end - dt.timedelta(days=rng.randint(7, days))).date(),
            dt.time(rng.choice([8, 9, 10, 11, 14, 15, 16, 17, 19, 20]), rng.randint(0, 59)),
            tzinfo=end.tzinfo,
        )
        for _ in range(count)
    )
    rows = []
    for received in moments:
        matter = rng.choice(by_organisation[rng.choices(names, weights)[0]])
        lead = matter.organisation
        if matter.also and rng.random() < 0.12:
            lead = matter.also  # local practice: the department next door took it
        title, body = rng.choice(matter.calls).split("|")
        if rng.random() < 0.03:
            body = rng.choice(CHASERS)
        content = rng.choice(OPENERS) + _fill(body, rng) + ","
        if rng.random() < 0.25:
            content += rng.choice(
                ASIDES + (COMPLAINT_ASIDES if matter.kind in ("complaint", "report") else [])
            )
        if rng.random() < 0.08:  # a second, smaller topic that belongs to someone else
            other = rng.choice([m for m in MATTERS if m.organisation != matter.organisation])
            content += "另外," + _fill(rng.choice(other.calls).split("|")[1], rng) + "。"
        content = (
            content.rstrip(",") + ("" if content.endswith("。") else "。") + rng.choice(CLOSERS[matter.kind])
        )
        roll = rng.random()
        if roll < 0.15:
            category = GENERIC_CATEGORY  # the operator did not pick a specific category
        elif roll < 0.3:
            category = matter.category[:4]  # only the top of the tree
        else:
            category = matter.category
        name, phone = _person(rng)
        replied = received + dt.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5))
        solved = rng.random() < 0.85
        row = {
            "kind": matter.kind,
            "category": category,
            "title": title,
            "content": content,
            "caller_name": name,
            "caller_phone": phone,
            "received_at": received.isoformat(),
            "lead_organisation": organisations[lead],
            "status": "closed",
            "reply": REPLIES[lead],
            "replied_at": replied.isoformat(),
            "closed_at": (replied + dt.timedelta(days=rng.randint(0, 2), hours=2)).isoformat(),
            "solved": solved,
            "satisfied": solved and rng.random() < 0.9,
        }
        if townships and rng.random() < 0.5:
            row["region"] = rng.choice(townships)
        rows.append(row)
    return rows


def lines(rows: list[dict]) -> list[str]:
    """The rows as JSON Lines, ready for `tickets.importer.import_lines`."""
    return [json.dumps(row, ensure_ascii=False) for row in rows]
