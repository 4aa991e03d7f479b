"""The disclosure domain's periodic jobs, run by `zhengwu scheduled`."""

from zhengwu.disclosure import services


def expire_waiting() -> str:
    """政府信息公开条例 第三十条 / 国办函〔2020〕109号: requests whose supplement or fee period ran out are abandoned."""
    return f"视为放弃申请 {len(services.expire_waiting())} 件"


JOBS = [("expire_waiting", expire_waiting)]
