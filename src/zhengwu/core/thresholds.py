"""The numbers more than one domain applies, each written once with the text it comes from.

A domain's own limits stay with that domain, once (a ticket category's limits: `tickets.deadlines.DEFAULT_LIMITS`;
the region's rectification days: `evaluation.rules.DEFAULT_RECTIFICATION_DAYS`); what cases, supervision,
evaluation, the workbench and the API must agree on lives here, so they cannot drift apart.
"""

# 行政许可法 第三十二条: the intake decision (受理 / 补正 / 不予受理) within 5 working days of receipt; after that the
# application is deemed accepted as of receipt.
INTAKE_WORKDAYS = 5

# "Due soon" (临期, 预警 / 黄牌): at most this many working days left, today not counted. One value for the workbench's
# 即将到期 queue and badge, supervision's yellow level and the rectification light, so a case is "due soon" in the
# workbench exactly when supervision shows it yellow. No national text fixes the number (国办发〔2019〕51号 and the
# 电子监察 rules leave 预警 to local practice); 2 is the centre's default in supervision's 预警阈值 (models.Thresholds),
# which the centre may change there — the workbench follows the configured value.
DUE_SOON_WORKDAYS = 2

# 国办发〔2019〕51号 (政务服务"好差评"制度): five levels; 非常满意 5, 满意 4, 基本满意 3 are good (好评),
# 不满意 2 and 非常不满意 1 bad (差评), and every bad rating is verified and rectified.
RATING_LEVELS = (1, 2, 3, 4, 5)
GOOD_RATING_MIN = 3
BAD_RATING_MAX = GOOD_RATING_MIN - 1

# 督办 (the county's 电子监察 督办 practice): the organisation answers an order within 5 working days unless the
# supervisor sets another limit.
ORDER_RESPONSE_WORKDAYS = 5
