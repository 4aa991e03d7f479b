"""Identifiers: check a resident ID number or a USCC and say what is wrong with it."""

from typing import Literal

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from zhengwu.core.errors import ValidationFailed
from zhengwu.core.ids import check_any

router = Router()


class IdCheckOut(Schema):
    value: str
    kind: Literal["resident_id", "uscc"] | None
    valid: bool
    reason: str


@router.get("/check", response=IdCheckOut, summary="校验居民身份证号码或统一社会信用代码")
def check(request, value: str = ""):
    """`kind` is what the value was recognised as (null when neither); `reason` says in Chinese what is wrong."""
    if not value.strip():
        raise ValidationFailed(_("请提供要校验的号码(参数 value)"), field="value")
    result = check_any(value)
    return {"value": result.value, "kind": result.kind, "valid": result.valid, "reason": result.reason}
