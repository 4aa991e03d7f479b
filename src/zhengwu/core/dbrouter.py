"""Reads to a PostgreSQL streaming replica, writes to the primary, and read-your-writes for whoever just wrote.

Installed only when `DATABASE_REPLICA_URL` is set (settings.py adds the `replica` aliases, `ReplicaRouter` to
DATABASE_ROUTERS and `ReadYourWritesMiddleware` to MIDDLEWARE); without a replica nothing here runs.

What goes to a replica: the reads of a safe request (GET, HEAD, OPTIONS) — lists, dashboards, indicators, the portal,
the API's GETs — from a person who has not written in the last `ZHENGWU_REPLICA_PIN_SECONDS`. Everything else reads
from the primary:
- any request that is not safe (POST, PUT, PATCH, DELETE), and the rest of a safe request after its first write;
- reads inside a transaction (`transaction.atomic` on the primary: a service reads what it is about to change);
- a person who wrote (a non-safe request, or any write through the ORM in a safe one) during the next
  `ZHENGWU_REPLICA_PIN_SECONDS`: a signed cookie carries the moment until which their reads stay on the primary, so
  the page they are sent to after saving shows what they saved, whatever the replica's lag;
- sessions, sign-in lock-outs and second factors (a signed-out session must end at once, not when the replica
  catches up);
- everything outside a request: task workers, `zhengwu scheduled`, management commands, the shell.
Migrations run on the primary only.
"""

import contextvars
import random
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, connections

from zhengwu.core import clock

PIN_COOKIE = "zw_primary"
PIN_SALT = "zhengwu.core.dbrouter.pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Apps whose reads always go to the primary: the session decides who is signed in (sign-out is immediate), axes
# decides lock-outs, django-otp the second factor.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "otp_static", "otp_totp"})


@dataclass
class _Request:
    """What the router knows about the request being served (one object per request, shared by reference)."""

    replica: str | None  # the replica this request reads from, or None: everything on the primary
    wrote: bool = False


_current: contextvars.ContextVar[_Request | None] = contextvars.ContextVar(
    "zhengwu_replica_request", default=None
)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias == "replica" or alias.startswith("replica_")]


def pin_seconds() -> int:
    return int(getattr(settings, "ZHENGWU_REPLICA_PIN_SECONDS", 10))


def _in_transaction() -> bool:
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    """Django database router: reads to the request's replica when allowed, writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        state = _current.get()
        if state is None or state.replica is None or state.wrote:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS or _in_transaction():
            return DEFAULT_DB_ALIAS
        return state.replica

    def db_for_write(self, model, **hints):
        state = _current.get()
        if state is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            # the rest of this request reads the primary, and the person is pinned to it (a session's once-a-minute
            # refresh does not pin: sessions are read from the primary anyway)
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        databases = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True  # the replicas are copies of the primary
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def pinned_until(request) -> float | None:
    """The moment (seconds since the epoch, on the project clock) until which this person reads the primary."""
    try:
        value = request.get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_SALT)
    except signing.BadSignature:
        return None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def is_pinned(request) -> bool:
    until = pinned_until(request)
    return until is not None and clock.now().timestamp() < until


class ReadYourWritesMiddleware:
    """Chooses, for each request, whether its reads may go to a replica, and pins a person who wrote to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        aliases = replica_aliases()
        replica = random.choice(aliases) if safe and aliases and not is_pinned(request) else None
        state = _Request(replica=replica, wrote=not safe)
        token = _current.set(state)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if state.wrote:
            seconds = pin_seconds()
            response.set_signed_cookie(
                PIN_COOKIE,
                str(int(clock.now().timestamp()) + seconds),
                salt=PIN_SALT,
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
            )
        return response


def replica_health() -> dict[str, dict]:
    """Each replica's state for /healthz: reachable, and on PostgreSQL how far its replay is behind (seconds)."""
    report = {}
    for alias in replica_aliases():
        try:
            with connections[alias].cursor() as cur:
                if connections[alias].vendor == "postgresql":
                    cur.execute(
                        "SELECT pg_is_in_recovery(), "
                        "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
                    )
                    recovering, lag = cur.fetchone()
                    report[alias] = {
                        "status": "ok",
                        "streaming": bool(recovering),
                        "lag_seconds": round(float(lag), 3) if recovering and lag is not None else None,
                    }
                else:
                    cur.execute("SELECT 1")
                    report[alias] = {"status": "ok"}
        except Exception as exc:  # noqa: BLE001 — the health check reports any replica failure
            report[alias] = {"status": "error", "error": str(exc)}
    return report
