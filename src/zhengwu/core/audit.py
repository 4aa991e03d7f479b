"""The audit chain: every state change writes an append-only record, hashed onto the one before it.

`record()` must be called inside the service's transaction, so the change and its record commit together.
`verify()` recomputes the chain and names the first record that was altered or removed.
"""

import datetime as dt
import hashlib
import ipaddress
import json
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from zhengwu.core import clock
from zhengwu.core.context import current
from zhengwu.core.models import AuditRecord

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_020_431  # one advisory lock serialises appends to the chain on PostgreSQL


def _canonical(value) -> str:
    """One text for one meaning: sorted keys, numbers as plain decimals, whatever the database hands back.

    PostgreSQL's jsonb reorders keys and writes 1e+23 as 100000000000000000000000; SQLite keeps the text as sent.
    Both read back to values with the same canonical text, so a record hashes the same before and after storage.
    """
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return "0" if number == 0 else format(number.normalize(), "f")  # PostgreSQL has no -0
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_canonical(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _storable(value):
    """The summary as both databases can store it: JSON types only, no NaN or infinity, no NUL characters."""
    if isinstance(value, dict):
        return {str(k).replace("\x00", ""): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else str(value)
    return _storable(json.loads(json.dumps(value, ensure_ascii=False, default=str)))


def _normal_ip(ip: str | None) -> str | None:
    """An address as PostgreSQL's inet gives it back: IPv4-mapped IPv6 unwrapped, no zone, IPv6 compressed."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(str(ip).split("%", 1)[0].strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def _ip_key(ip: str | None) -> str | None:
    try:
        return ipaddress.ip_address(ip).exploded if ip else None
    except ValueError:
        return str(ip)


def _hash_of(rec: AuditRecord) -> str:
    fields = [
        rec.pk,
        rec.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        rec.actor_id,
        rec.actor_label,
        rec.action,
        rec.object_type,
        rec.object_id,
        rec.summary,
        _ip_key(rec.ip),
        rec.prev_hash,
    ]
    return hashlib.sha256(_canonical(fields).encode("utf-8")).hexdigest()


def record(
    action: str,
    obj: Model | None = None,
    *,
    summary: dict | None = None,
    actor=None,
    object_type: str = "",
    object_id: str = "",
    ip: str | None = None,
) -> AuditRecord:
    """Append one record (who, what, which object, a summary of the change, when, from where) to the chain."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the service's transaction")
    ctx = current()
    actor = actor if actor is not None else ctx.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    last = AuditRecord.objects.order_by("-id").values_list("id", "hash").first()
    prev_id, prev_hash = last if last else (0, GENESIS)
    rec = AuditRecord(
        id=prev_id + 1,
        at=clock.now().astimezone(dt.UTC),
        actor=actor,
        actor_label=(_label(actor) if actor is not None else (ctx.label or "system"))[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=_storable(summary or {}),
        ip=_normal_ip(ip or ctx.ip),
        prev_hash=prev_hash,
    )
    rec.hash = _hash_of(rec)
    rec.save(force_insert=True)
    return rec


def _label(user) -> str:
    staff = getattr(user, "staff", None) if hasattr(user, "_meta") else None
    name = getattr(staff, "name", "") if staff else ""
    return f"{user.get_username()}({name})" if name else user.get_username()


@dataclass(frozen=True)
class ChainReport:
    """What verify() found: whether the chain holds, how many records it checked, and the first broken one."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""
    head_id: int | None = None
    head_hash: str = ""


def verify(batch: int = 5000) -> ChainReport:
    """Recompute the chain from the start; report the first record that was altered, inserted or removed.

    Removing the newest records leaves a shorter chain that still holds: compare `head_id` and `head_hash` with
    a copy kept elsewhere to notice that.
    """
    prev_hash, expected_id, checked = GENESIS, 1, 0
    head_id = None
    while True:
        rows = list(AuditRecord.objects.filter(id__gt=expected_id - 1).order_by("id")[:batch])
        if not rows:
            return ChainReport(True, checked, head_id=head_id, head_hash=prev_hash if head_id else "")
        for rec in rows:
            if rec.id != expected_id:
                missing = (
                    f"#{expected_id}" if rec.id == expected_id + 1 else f"#{expected_id} 至 #{rec.id - 1}"
                )
                problem = _("记录 %(missing)s 已被删除(链条在此断开)") % {"missing": missing}
                return ChainReport(False, checked, expected_id, str(problem), head_id, prev_hash)
            if rec.prev_hash != prev_hash:
                problem = _("记录 #%(id)d 的前序哈希与上一条不符(前一条被篡改或删除)") % {"id": rec.id}
                return ChainReport(False, checked, rec.id, str(problem), head_id, prev_hash)
            if _hash_of(rec) != rec.hash:
                problem = _("记录 #%(id)d 的内容与其哈希不符(已被篡改)") % {"id": rec.id}
                return ChainReport(False, checked, rec.id, str(problem), head_id, prev_hash)
            prev_hash, expected_id, head_id = rec.hash, rec.id + 1, rec.id
            checked += 1
