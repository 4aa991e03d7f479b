"""Idempotent creates over the API, in one place: a client sends `Idempotency-Key: <a fresh UUID>` with a POST and
sends the same key when it retries (a timeout, a dropped connection). The first request runs inside one
transaction that also stores its answer; a retry with the same key and the same request gets that answer again
(header `Idempotent-Replayed: true`), never a second record. The same key with a different request answers 422.

Keys are scoped to the signed-in user (or shared by anonymous callers, who should use random keys). Only
successful answers (2xx) are stored, so a refused request can be corrected and sent again with the same key.
Case submission also keeps its key on the case (cases.services.submit_case), for the portal's form.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from zhengwu.core import clock
from zhengwu.core.models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY = 200
MAX_STORED = 1024 * 1024  # answers larger than this are not kept (a create answers a record, not a file)


def _scope(request) -> str:
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else "anonymous"


def fingerprint(request) -> str:
    """What makes two requests the same: method, path, query and body (a multipart body by its fields and files'
    contents, since a client may choose a new boundary on each retry)."""
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    if (request.content_type or "").startswith("multipart/"):
        for name, values in sorted(request.POST.lists()):
            digest.update(repr((name, values)).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                upload.seek(0)
                digest.update(f"{name}:{upload.name}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "field": "Idempotency-Key"},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _replay(stored: IdempotentRequest, print_: str):
    if stored.fingerprint != print_:
        return _error(
            "idempotency_key_reused",
            _(
                "该幂等键(Idempotency-Key)已用于另一个内容不同的请求;重试时请原样重发,新的请求请换一个新的幂等键"
            ),
            422,
        )
    response = HttpResponse(bytes(stored.body), status=stored.status, content_type=stored.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    """POSTs to the APIs (ours, CKAN's under /api/, Open311) that carry an Idempotency-Key header run at most once
    per key (see the module)."""

    PREFIXES = ("/api/", "/open311/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER, "").strip()
        if request.method != "POST" or not key or not request.path.startswith(self.PREFIXES):
            return self.get_response(request)
        if len(key) > MAX_KEY:
            return _error(
                "invalid_idempotency_key", _("幂等键(Idempotency-Key)最长 %(n)s 个字符") % {"n": MAX_KEY}, 422
            )
        scope, print_ = _scope(request), fingerprint(request)
        stored = IdempotentRequest.objects.filter(scope=scope, key=key).first()
        if stored is not None:
            return _replay(stored, print_)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                content = getattr(response, "content", None) if not response.streaming else None
                if 200 <= response.status_code < 300 and content is not None and len(content) <= MAX_STORED:
                    IdempotentRequest.objects.create(
                        scope=scope,
                        key=key,
                        fingerprint=print_,
                        method=request.method,
                        path=request.path[:500],
                        status=response.status_code,
                        content_type=response.get("Content-Type", "application/json")[:100],
                        body=content,
                        created_at=clock.now(),
                    )
        except IntegrityError:
            # The same key ran at the same time and committed first: this run was rolled back; answer the first.
            stored = IdempotentRequest.objects.filter(scope=scope, key=key).first()
            if stored is None:
                raise
            return _replay(stored, print_)
        return response
