"""Real fee standards, as published by the State, for the demo and the tests. Each cites its document; the county's
list (收费目录清单) puts them under its collecting organisations with the day the list took effect.

- 不动产登记费: 《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》(发改价格规〔2016〕2559号):
  住宅类 80元/件, 非住宅类 550元/件, 证书工本费 每增加一本 10元; 小微企业(含个体工商户)免收:
  《财政部 国家发展改革委关于不动产登记收费有关政策问题的通知》(财税〔2016〕79号).
- 居民身份证工本费: 《居民身份证法》第二十条, 《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》
  (发改价格〔2003〕2322号): 申领、换领 20元/证, 丢失补领、损坏换领 40元/证, 临时身份证 10元/证; 城市低保、农村
  特困居民初次申领、换领免收, 其他生活确有困难的可以减收. 临时居民身份证 (居民身份证法 第十二条) 同一通知.
- 罚没收入 (a band): 《食品安全法》第一百二十二条: 未取得许可从事食品经营, 货值金额不足一万元的, 并处五万元以上
  十万元以下罚款 — the lower bound unless the 行政处罚决定书 says otherwise.
"""

LIST_FROM = "2026-01-01"  # the county's list took effect (tests that load the list on one day)

# The approving documents as the guides cite them (catalog/data/demo/*.json), and the day each standard applies from.
BDC_APPROVAL = "国家发展改革委 财政部《关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）"
BDC_FROM = "2017-03-15"  # 发改价格规〔2016〕2559号 第六条: 自2017年3月15日起执行
SFZ_APPROVAL = "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）"
SFZ_FROM = "2004-01-01"  # 发改价格〔2003〕2322号: 自2004年1月1日起执行(与居民身份证法同日施行)
FOOD_FROM = "2015-10-01"  # 食品安全法(2015年修订)第一百五十四条: 自2015年10月1日起施行

REGISTRATION = "自然资源局"
POLICE = "公安局"
MARKET = "市场监督管理局"

FEES = [
    {
        "code": "BDC-001",
        "name": "不动产登记费(住宅类)",
        "choose_one": "不动产登记费",  # 住宅类 or 非住宅类, never both (发改价格规〔2016〕2559号 第一条)
        "collector": REGISTRATION,
        "revenue_kind": "admin_fee",
        "basis": "《中华人民共和国民法典》第二百二十三条",
        "approval": BDC_APPROVAL,
        "valid_from": BDC_FROM,
        "standard_kind": "fixed",
        "amount": "80",
        "unit": "件",
        "waivers": [
            {
                "code": "XW",
                "name": "小微企业(含个体工商户)申请不动产登记",
                "kind": "exempt",
                "basis": "财税〔2016〕79号",
            }
        ],
    },
    {
        "code": "BDC-002",
        "name": "不动产登记费(非住宅类)",
        "choose_one": "不动产登记费",
        "collector": REGISTRATION,
        "revenue_kind": "admin_fee",
        "basis": "《中华人民共和国民法典》第二百二十三条",
        "approval": BDC_APPROVAL,
        "valid_from": BDC_FROM,
        "standard_kind": "fixed",
        "amount": "550",
        "unit": "件",
        "waivers": [
            {
                "code": "XW",
                "name": "小微企业(含个体工商户)申请不动产登记",
                "kind": "exempt",
                "basis": "财税〔2016〕79号",
            }
        ],
    },
    {
        "code": "BDC-003",
        "name": "不动产权属证书工本费(每增加一本)",
        "collector": REGISTRATION,
        "revenue_kind": "admin_fee",
        "basis": "《中华人民共和国民法典》第二百二十三条",
        "approval": BDC_APPROVAL,
        "valid_from": BDC_FROM,
        "standard_kind": "per_unit",
        "amount": "10",
        "unit": "本",
    },
    {
        "code": "SFZ-001",
        "name": "居民身份证工本费(申领、换领)",
        "collector": POLICE,
        "revenue_kind": "admin_fee",
        "basis": "《中华人民共和国居民身份证法》第二十条",
        "approval": SFZ_APPROVAL,
        "valid_from": SFZ_FROM,
        "standard_kind": "fixed",
        "amount": "20",
        "unit": "证",
        "waivers": [
            {
                "code": "DB",
                "name": "城市低保、农村特困居民初次申领或换领",
                "kind": "exempt",
                "basis": "《中华人民共和国居民身份证法》第二十条",
            },
            {
                "code": "KN",
                "name": "其他生活确有困难的居民初次申领或换领",
                "kind": "percent",
                "percent": 50,
                "basis": "《中华人民共和国居民身份证法》第二十条",
            },
        ],
    },
    {
        "code": "SFZ-002",
        "name": "居民身份证工本费(丢失补领、损坏换领)",
        "collector": POLICE,
        "revenue_kind": "admin_fee",
        "basis": "《中华人民共和国居民身份证法》第二十条",
        "approval": SFZ_APPROVAL,
        "valid_from": SFZ_FROM,
        "standard_kind": "fixed",
        "amount": "40",
        "unit": "证",
    },
    {
        # 临时居民身份证: 居民身份证法 第十二条 (急需使用的, 可以申请领取临时居民身份证) and 第二十条 (证件工本费);
        # 发改价格〔2003〕2322号: 临时居民身份证 每证10元; no waiver (the 低保 exemption is for 初次申领、换领)
        "code": "SFZ-003",
        "name": "临时居民身份证工本费",
        "collector": POLICE,
        "revenue_kind": "admin_fee",
        "basis": "《中华人民共和国居民身份证法》第十二条、第二十条",
        "approval": SFZ_APPROVAL,
        "valid_from": SFZ_FROM,
        "standard_kind": "fixed",
        "amount": "10",
        "unit": "证",
    },
    {
        "code": "FM-001",
        "name": "未取得许可从事食品经营罚款(货值金额不足一万元)",
        "collector": MARKET,
        "revenue_kind": "forfeit",
        "basis": "《中华人民共和国食品安全法》第一百二十二条",
        # a fine has no price or finance bureau's approval: its amount is the law's, fixed by the penalty decision
        "approval": "不适用:罚款数额由法律规定,以行政处罚决定书为准",
        "valid_from": FOOD_FROM,
        "standard_kind": "band",
        "amount": "50000",
        "upper": "100000",
        "unit": "案",
    },
]


def load(organisations: dict, *, valid_from: str | None = LIST_FROM, by=None) -> dict:
    """Put the fees in the catalogue; `organisations` maps a collector above (自然资源局 …) to its Organisation,
    collectors not given are left out. `valid_from`: one day for every fee, or None for each fee's own (the day its
    approving document applies from, as the demo lists them). Returns {code: CatalogueFee}."""
    from zhengwu.fees import services

    out = {}
    for spec in FEES:
        organisation = organisations.get(spec["collector"])
        if organisation is None:
            continue
        data = {k: v for k, v in spec.items() if k != "collector"}
        out[spec["code"]] = services.add_fee(
            data={**data, "organisation": organisation, "valid_from": valid_from or spec["valid_from"]}, by=by
        )
    return out
