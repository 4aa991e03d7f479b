"""The audit chain: every state change writes an append-only record, hashed onto the one before it.

`record()` must be called inside the service's transaction, so the change and its record commit together.
`verify()` recomputes the chain and names the first record that was altered or removed.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Model

from zhengwu.core import clock
from zhengwu.core.context import current
from zhengwu.core.models import AuditRecord

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_020_431  # one advisory lock serialises appends to the chain on PostgreSQL


def _digest(*, seq: int, at: str, actor_id, actor_label: str, action: str, object_type: str,
            object_id: str, summary, ip, prev_hash: str) -> str:
    payload = json.dumps(
        [seq, at, actor_id, actor_label, action, object_type, object_id, summary, ip, prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hash_of(rec: AuditRecord) -> str:
    return _digest(
        seq=rec.pk, at=rec.at.isoformat(), actor_id=rec.actor_id, actor_label=rec.actor_label,
        action=rec.action, object_type=rec.object_type, object_id=rec.object_id,
        summary=rec.summary, ip=rec.ip, prev_hash=rec.prev_hash,
    )


def record(action: str, obj: Model | None = None, *, summary: dict | None = None, actor=None,
           object_type: str = "", object_id: str = "", ip: str | None = None) -> AuditRecord:
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
        actor_label=_label(actor) if actor is not None else (ctx.label or "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=json.loads(json.dumps(summary or {}, ensure_ascii=False, default=str)),
        ip=ip or ctx.ip,
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
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""


def verify(batch: int = 5000) -> ChainReport:
    """Recompute the chain from the start; report the first record that was altered, inserted or removed."""
    prev_hash, expected_id, checked = GENESIS, 1, 0
    last_id = 0
    while True:
        rows = list(AuditRecord.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return ChainReport(True, checked)
        for rec in rows:
            if rec.id != expected_id:
                return ChainReport(False, checked, expected_id, f"记录 #{expected_id} 已被删除(链条在此断开)")
            if rec.prev_hash != prev_hash:
                return ChainReport(False, checked, rec.id, f"记录 #{rec.id} 的前序哈希与上一条不符(前一条被篡改或删除)")
            if _hash_of(rec) != rec.hash:
                return ChainReport(False, checked, rec.id, f"记录 #{rec.id} 的内容与其哈希不符(已被篡改)")
            prev_hash, expected_id, last_id = rec.hash, rec.id + 1, rec.id
            checked += 1
