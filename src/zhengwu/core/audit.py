"""The audit chain: every state change writes an append-only record, hashed onto the one before it.

`record()` must be called inside the service's transaction, so the change and its record commit together; the rows
of append-only tables the change wrote (`rows=`) are covered by their digests. The record is appended without its
place in the chain and without taking any lock: `seal()` — run by a task once the transaction has committed, by
`zhengwu audit seal`, by `zhengwu scheduled` and before `audit verify`/`audit anchor` — gives every unsealed record,
in id order, the next place (`seq`) and chains its hash onto the record before it, exactly once (the triggers refuse
any other change). `verify()` recomputes the sealed chain, checks every covered row against its digest and that no row
was written outside the chain, names the first problem and says how many records wait to be sealed.
`anchor()` signs the chain's head with a key the database does not hold; `check_anchors()` fails once the chain no
longer leads through an anchor, which is how a chain rewritten end to end (triggers bypassed) is found.
"""

import contextlib
import contextvars
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import math
from array import array
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from zhengwu.core import appendonly, clock, tasks
from zhengwu.core.canonical import canonical
from zhengwu.core.context import current
from zhengwu.core.models import AuditRecord

log = logging.getLogger(__name__)

GENESIS = "0" * 64
_PG_SEAL_LOCK_KEY = 7_020_431  # one advisory lock serialises the sealers (never the writers) on PostgreSQL
SEAL_BATCH = 500


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
    return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()


_together: contextvars.ContextVar[list | None] = contextvars.ContextVar("zw_audit_together", default=None)


@contextlib.contextmanager
def together():
    """The records appended inside this block are written at its end with one INSERT (in the order made, so they
    take their places in the chain in that order), inside the caller's transaction: a submit's applicant record and
    the case's (issue 20). Nothing is written when the block fails. Inside another such block: that block's."""
    if _together.get() is not None:
        yield
        return
    batch: list[AuditRecord] = []
    token = _together.set(batch)
    try:
        yield
    finally:
        _together.reset(token)
    if batch:  # reached only when the block did not fail
        AuditRecord.objects.bulk_create(batch)
        _seal_after_commit()


def record(
    action: str,
    obj: Model | None = None,
    *,
    summary: dict | None = None,
    actor=None,
    object_type: str = "",
    object_id: str = "",
    ip: str | None = None,
    rows=(),
) -> AuditRecord:
    """Append one record (who, what, which object, a summary of the change, when, from where) to the chain; `rows` are
    the append-only rows the change wrote, whose digests the record carries. Inside `together` it is written at the
    end of that block (its id is not known before)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the service's transaction")
    ctx = current()
    actor = actor if actor is not None else ctx.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    summary = _storable(summary or {})
    if rows:
        summary["rows"] = [appendonly.reference(row) for row in rows]
    rec = AuditRecord(
        at=clock.now().astimezone(dt.UTC),
        actor=actor,
        actor_label=(_label(actor) if actor is not None else (ctx.label or "system"))[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary,
        ip=_normal_ip(ip or ctx.ip),
    )
    batch = _together.get()
    if batch is not None:
        batch.append(rec)  # written with the others at the end of the block (together)
        return rec
    rec.save(force_insert=True)
    _seal_after_commit()
    return rec


def cover(action: str, rows, *, actor=None) -> None:
    """Cover many append-only rows written together (an import) with as many records as it takes, a batch each."""
    rows = list(rows)
    for start in range(0, len(rows), appendonly.COVER_BATCH):
        batch = rows[start : start + appendonly.COVER_BATCH]
        record(
            action,
            actor=actor,
            object_type=batch[0]._meta.label_lower,
            summary={"count": len(batch)},
            rows=batch,
        )


def append_raw(migration_apps, action: str, summary: dict, *, using: str) -> None:
    """Append a record from a data migration (historical models), by the system: unsealed once the table has its
    `seq` column (the next seal chains it), chained at once as before for migrations that run before it."""
    model = migration_apps.get_model("core", "AuditRecord")
    fields = dict(
        at=clock.now().astimezone(dt.UTC),
        actor=None,
        actor_label="system",
        action=action,
        object_type="",
        object_id="",
        summary=_storable(summary),
        ip=None,
    )
    if any(f.name == "seq" for f in model._meta.get_fields()):
        model(**fields).save(force_insert=True, using=using)
        return
    conn = connections[using]
    if conn.vendor == "postgresql":
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_SEAL_LOCK_KEY])
    last = model.objects.using(using).order_by("-id").values_list("id", "hash").first()
    prev_id, prev_hash = last if last else (0, GENESIS)
    rec = model(id=prev_id + 1, prev_hash=prev_hash, **fields)
    rec.hash = _hash_of(rec)
    rec.save(force_insert=True, using=using)


# ---------------------------------------------------------------- sealing


def _seal_after_commit() -> None:
    """Ask the task worker to seal, once per transaction: with the database queue in the write's own transaction
    (core.tasks.with_write), with any other queue once it commits; `ZHENGWU_AUDIT_SEAL = "commit"` seals at commit.
    A write that posted messages asked already: the task that sends them seals (core.tasks.send_and_seal)."""
    if not tasks.ask_seal():
        return  # asked already: by an earlier record, or by the messages the write posted (tasks.send_and_seal)
    mode = getattr(settings, "ZHENGWU_AUDIT_SEAL", "task")
    if mode == "commit":
        transaction.on_commit(seal)
    elif mode == "task":  # "scheduled": `zhengwu scheduled`, `audit seal` and `audit verify` seal
        tasks.with_write(_enqueue_seal)


def _enqueue_seal(in_write: bool) -> None:
    try:
        tasks.seal_audit_chain.enqueue()
    except Exception:  # the records stay unsealed until the next seal; nothing is lost
        if in_write:
            raise  # in the write's own transaction: the write fails whole
        log.exception("could not enqueue the audit seal")


def _head(using: str | None = None) -> tuple[int, int, str]:
    """(seq, id, hash) of the last sealed record, or (0, 0, GENESIS)."""
    head = (
        AuditRecord.objects.using(using)
        .filter(seq__isnull=False)
        .order_by("-seq")
        .values_list("seq", "id", "hash")
        .first()
    )
    return head if head else (0, 0, GENESIS)


def unsealed_count() -> int:
    return AuditRecord.objects.filter(seq__isnull=True).count()


def seal(batch: int = SEAL_BATCH) -> int:
    """Chain every record appended since the last seal, in id order: each gets the next `seq`, the previous record's
    hash as `prev_hash` and its own hash. Sealers take turns (an advisory lock on PostgreSQL, the write lock on
    SQLite); writers never wait for them. A record whose transaction has not committed yet is sealed by the next
    seal, after the ones already sealed. Returns how many records were sealed."""
    total = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_SEAL_LOCK_KEY])
            seq, _id, prev_hash = _head()
            records = list(AuditRecord.objects.filter(seq__isnull=True).order_by("id")[:batch])
            for rec in records:
                seq += 1
                rec.seq, rec.prev_hash = seq, prev_hash
                rec.hash = _hash_of(rec)
                prev_hash = rec.hash
            if records:
                _write_places(records)
        total += len(records)
        if len(records) < batch:
            return total


def _write_places(records: list[AuditRecord]) -> None:
    """Store the sealed records' seq, prev_hash and hash: one prepared UPDATE by id run for every record (the
    CASE WHEN statement bulk_update builds cost more to compile than the hashing, ~0.5 ms a record)."""
    meta = AuditRecord._meta
    q = connection.ops.quote_name
    columns = [q(meta.get_field(name).column) for name in ("seq", "prev_hash", "hash")]
    sql = (
        f"UPDATE {q(meta.db_table)} SET {', '.join(f'{c} = %s' for c in columns)}"
        f" WHERE {q(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(r.seq, r.prev_hash, r.hash, r.pk) for r in records])


def _label(user) -> str:
    staff = getattr(user, "staff", None) if hasattr(user, "_meta") else None
    name = getattr(staff, "name", "") if staff else ""
    return f"{user.get_username()}({name})" if name else user.get_username()


@dataclass(frozen=True)
class ChainReport:
    """What verify() found: whether the chain and the rows it covers hold, how many it checked, the first problem."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""
    head_id: int | None = None
    head_hash: str = ""
    rows_checked: int = 0
    bad_row: str = ""  # "cases.caseevent#12" when the problem is a covered row
    unsealed: int = 0  # records appended since the last seal: not yet part of the chain


class _Rows:
    """The append-only rows the chain covers: digests to check, batch by batch, and which ids were covered."""

    def __init__(self):
        self.models = {m._meta.label_lower: m for m in appendonly.protected_models()}
        self.pending: dict[str, dict[int, tuple[str, int]]] = {}  # label -> {row id: (digest, audit id)}
        self.covered: dict[str, array] = {label: array("q") for label in self.models}
        self.checked = 0

    def add(self, rec: AuditRecord) -> None:
        for label, pk, digest in rec.summary.get("rows", ()) if isinstance(rec.summary, dict) else ():
            self.pending.setdefault(label, {})[int(pk)] = (digest, rec.id)

    def check_pending(self) -> tuple[str, str, int] | None:
        """(problem, row, audit id) for the first covered row that is gone or altered, else None."""
        pending, self.pending = self.pending, {}
        for label, wanted in sorted(pending.items()):
            model = self.models.get(label)
            if model is None:
                continue  # a table since removed from the platform: nothing to compare
            attnames = [model._meta.get_field(n).attname for n in model.hashed_fields]
            found = {
                pk: appendonly.digest_of(label, pk, values)
                for pk, *values in model.objects.filter(pk__in=list(wanted)).values_list("pk", *attnames)
            }
            for pk, (digest, audit_id) in sorted(wanted.items(), key=lambda kv: kv[1][1]):
                name = f"{model._meta.verbose_name}({label})#{pk}"
                if pk not in found:
                    problem = _("%(row)s 已被删除(审计记录 #%(audit)d 记载了它)") % {
                        "row": name,
                        "audit": audit_id,
                    }
                    return str(problem), f"{label}#{pk}", audit_id
                if found[pk] != digest:
                    problem = _("%(row)s 的内容与审计记录 #%(audit)d 中的摘要不符(已被篡改)") % {
                        "row": name,
                        "audit": audit_id,
                    }
                    return str(problem), f"{label}#{pk}", audit_id
                self.covered[label].append(pk)
                self.checked += 1
        return None

    def check_coverage(self) -> tuple[str, str] | None:
        """(problem, row) for the first row no audit record covers (written outside the services), else None."""
        for label, model in sorted(self.models.items()):
            covered = self.covered[label]
            if model.objects.count() == len(covered):
                continue
            known = set(covered)
            for pk in model.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000):
                if pk not in known:
                    name = f"{model._meta.verbose_name}({label})#{pk}"
                    return str(
                        _("%(row)s 没有任何审计记录覆盖(在审计链之外写入)") % {"row": name}
                    ), f"{label}#{pk}"
        return None


def verify(batch: int = 5000, *, seal_first: bool = False) -> ChainReport:
    """Recompute the sealed chain from the start and check every append-only row it covers; report the first record
    altered, inserted or removed, or the first row altered, removed or written outside the chain. Records not yet
    sealed are counted (`unsealed`) and the rows they cover are checked too; `seal_first` seals them before.

    Removing the newest records leaves a shorter chain that still holds, and a chain rewritten end to end holds too:
    anchors kept elsewhere (`anchor()`, `check_anchors()`) find both.
    """
    if seal_first:
        seal()
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    head_id, prev_id = None, 0
    covered = _Rows()
    unsealed = 0

    def report(ok: bool, bad_id: int | None = None, problem: str = "", bad_row: str = "") -> ChainReport:
        head = prev_hash if head_id else ""
        return ChainReport(ok, checked, bad_id, problem, head_id, head, covered.checked, bad_row, unsealed)

    while True:
        sealed = AuditRecord.objects.filter(seq__gte=expected_seq).order_by("seq")
        records = list(sealed[:batch])
        if not records:
            break
        for rec in records:
            if rec.seq != expected_seq:
                gone = rec.seq - expected_seq
                # the ids between its neighbours are exactly as many as are gone: name them
                if rec.id - prev_id - 1 == gone:
                    missing = (
                        f"#{prev_id + 1}"
                        if gone == 1
                        else _("#%(first)s 至 #%(last)s") % {"first": prev_id + 1, "last": rec.id - 1}
                    )
                    bad_id = prev_id + 1
                else:
                    missing = _("链上第 %(seq)d 条起 %(n)d 条") % {"seq": expected_seq, "n": gone}
                    bad_id = rec.id
                problem = _("记录 %(missing)s 已被删除(链条在此断开)") % {"missing": missing}
                return report(False, bad_id, str(problem))
            if rec.prev_hash != prev_hash:
                problem = _("记录 #%(id)d 的前序哈希与上一条不符(前一条被篡改或删除)") % {"id": rec.id}
                return report(False, rec.id, str(problem))
            if _hash_of(rec) != rec.hash:
                problem = _("记录 #%(id)d 的内容与其哈希不符(已被篡改)") % {"id": rec.id}
                return report(False, rec.id, str(problem))
            covered.add(rec)
            prev_hash, expected_seq, head_id, prev_id = rec.hash, rec.seq + 1, rec.id, rec.id
            checked += 1
        found = covered.check_pending()
        if found:
            problem, row, audit_id = found
            return report(False, audit_id, problem, row)
    # records appended since the last seal: not in the chain yet, but the rows they wrote are theirs
    after = 0
    while True:
        records = list(AuditRecord.objects.filter(seq__isnull=True, id__gt=after).order_by("id")[:batch])
        if not records:
            break
        for rec in records:
            covered.add(rec)
        unsealed += len(records)
        after = records[-1].id
        found = covered.check_pending()
        if found:
            problem, row, audit_id = found
            return report(False, audit_id, problem, row)
    found = covered.check_coverage()
    if found:
        return report(False, None, found[0], found[1])
    return report(True)


# ---------------------------------------------------------------- anchors kept outside the database


def anchor_key() -> bytes:
    """The key anchors are signed with: ZHENGWU_AUDIT_ANCHOR_KEY, or a file beside the secret key that is made on
    first use. It lives with the application, never in the database (docs/deploy.md)."""
    if key := settings.ZHENGWU_AUDIT_ANCHOR_KEY:
        return key.encode("utf-8")
    path = settings.VAR_DIR / "audit_anchor_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip().encode("utf-8")


def _mac(body: dict, key: bytes) -> str:
    return hmac.new(key, canonical(body).encode("utf-8"), hashlib.sha256).hexdigest()


def anchor(key: bytes | None = None) -> dict:
    """The chain's head now, signed: {"id", "hash", "at", "mac"} (id 0 and the genesis hash for an empty chain).
    Records appended since the last seal are sealed first, so the anchor covers everything written before it."""
    seal()
    _seq, head_id, head_hash = _head()
    body = {
        "id": head_id,
        "hash": head_hash,
        "at": clock.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
    }
    return {**body, "mac": _mac(body, key or anchor_key())}


@dataclass(frozen=True)
class AnchorReport:
    """What check_anchors() found: how many anchors held, and the first that did not, with why."""

    ok: bool
    checked: int
    problem: str = ""
    line: int | None = None


def check_anchors(anchors: list[dict], key: bytes | None = None) -> AnchorReport:
    """Each anchor must be signed with our key and name a record the chain still holds with the same hash; the chain
    itself is checked by verify(). Anchors are numbered from 1 in the order given (lines of the anchor file)."""
    key = key or anchor_key()
    for number, item in enumerate(anchors, start=1):
        try:
            body = {"id": int(item["id"]), "hash": str(item["hash"]), "at": str(item["at"])}
            mac = str(item["mac"])
        except (KeyError, TypeError, ValueError):
            return AnchorReport(
                False, number - 1, str(_("第 %(n)d 个锚点格式不正确") % {"n": number}), number
            )
        if not hmac.compare_digest(_mac(body, key), mac):
            problem = _("第 %(n)d 个锚点的签名不符(锚点被改动,或密钥不是签发时的密钥)") % {"n": number}
            return AnchorReport(False, number - 1, str(problem), number)
        if body["id"] == 0:
            continue
        held = AuditRecord.objects.filter(id=body["id"]).values_list("hash", flat=True).first()
        if held is None:
            problem = _("第 %(n)d 个锚点记载的记录 #%(id)d 已不在审计链中(链条被截短)") % {
                "n": number,
                "id": body["id"],
            }
            return AnchorReport(False, number - 1, str(problem), number)
        if held != body["hash"]:
            problem = _("第 %(n)d 个锚点记载的记录 #%(id)d(%(at)s)哈希已变:审计链在此之前被改写") % {
                "n": number,
                "id": body["id"],
                "at": body["at"],
            }
            return AnchorReport(False, number - 1, str(problem), number)
    return AnchorReport(True, len(anchors))


def append_anchor(path) -> dict:
    """Sign the head now and add it as one JSON line to the anchor file (created if missing)."""
    item = anchor()
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
    return item


def read_anchors(path) -> list[dict]:
    """The anchors of an anchor file, one JSON object per line (blank lines skipped; a bad line is kept as {} so
    check_anchors() names it)."""
    anchors = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                try:
                    anchors.append(json.loads(line))
                except json.JSONDecodeError:
                    anchors.append({})
    return anchors


def anchor_daily() -> str:
    """Anchor the chain once a day into ZHENGWU_AUDIT_ANCHOR_FILE (nothing when it is not set)."""
    path = settings.ZHENGWU_AUDIT_ANCHOR_FILE
    if not path:
        return "未设置 ZHENGWU_AUDIT_ANCHOR_FILE,未写锚点"
    try:
        anchors = read_anchors(path)
    except FileNotFoundError:
        anchors = []
    today = clock.today()
    for item in reversed(anchors):
        try:
            if clock.local_date(dt.datetime.fromisoformat(item["at"])) == today:
                return f"今日已写锚点(记录 #{item['id']})"
        except (KeyError, TypeError, ValueError):
            continue
    item = append_anchor(path)
    return f"已写锚点:记录 #{item['id']}"
