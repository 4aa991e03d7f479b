"""One NinjaAPI for Zhengwu; one router per domain. OpenAPI docs at /api/docs."""

import copy

from django.http import Http404
from django.utils.translation import get_language, gettext, gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from zhengwu.api import calendar, catalog, disclosure, ids, tickets
from zhengwu.api import cases as cases_api
from zhengwu.api import evaluation as evaluation_api
from zhengwu.api import joint as joint_api
from zhengwu.api import licences as licences_api
from zhengwu.api import supervision as supervision_api
from zhengwu.core.auth import www_authenticate
from zhengwu.core.errors import DomainError


class _API(NinjaAPI):
    """Every operation's OpenAPI entry lists the errors any operation can answer: 422 for input that fails the
    schema, 400 for a body that cannot be parsed, 401/403 where sign-in is needed, all as {code, message, field}."""

    _schemas: dict = {}

    def get_openapi_schema(self, **kwargs):
        """Made once per process, path prefix and language: the document follows from the code alone, and making
        it takes about a second and a half of CPU (every operation's schemas through pydantic), on every request
        of /api/openapi.json and /api/docs before."""
        key = (
            kwargs.get("path_prefix"),
            repr(sorted((kwargs.get("path_params") or {}).items())),
            get_language(),
        )
        if key not in self._schemas:
            self._schemas[key] = self._make_openapi_schema(**kwargs)
        return copy.deepcopy(self._schemas[key])  # a caller may change its copy

    def _make_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        error = {"$ref": "#/components/schemas/ApiError"}
        schema.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = {
            "title": "ApiError",
            "type": "object",
            "required": ["code", "message", "field"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            },
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                wanted = {422: "输入无效"}
                if "requestBody" in operation:
                    wanted[400] = "请求体无法解析"
                if operation.get("security"):
                    wanted[401] = "未登录或会话已过期"
                    wanted[403] = "无权访问"
                for status, text in wanted.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {
                            "description": text,
                            "content": {"application/json": {"schema": error}},
                        }
        return schema


api = _API(
    title="Zhengwu 政务 API",
    version="1",
    description="政务服务、电子监察、政务公开与政民互动的开放接口。错误统一返回 {code, message, field}。",
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def not_signed_in(request, exc):
    """Nobody signed in, or the session expired: 401 with a challenge, so a client signs in again."""
    response = api.create_response(
        request,
        {"code": "unauthenticated", "message": gettext("请先登录(会话不存在或已过期)"), "field": None},
        status=401,
    )
    response["WWW-Authenticate"] = www_authenticate()
    return response


@api.exception_handler(AuthorizationError)
def not_allowed(request, exc):
    return api.create_response(
        request, {"code": "forbidden", "message": gettext("无权访问或操作该记录"), "field": None}, status=403
    )


_PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("必填项未填写"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_type": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "int_parsing_size": gettext_lazy("数值超出范围"),
    "float_parsing": gettext_lazy("应为数字"),
    "float_type": gettext_lazy("应为数字"),
    "finite_number": gettext_lazy("应为有限的数字"),
    "decimal_parsing": gettext_lazy("应为数字"),
    "decimal_type": gettext_lazy("应为数字"),
    "bool_parsing": gettext_lazy("应为是或否(true/false)"),
    "bool_type": gettext_lazy("应为是或否(true/false)"),
    "string_type": gettext_lazy("应为文本"),
    "string_unicode": gettext_lazy("应为文本"),
    "date_from_datetime_parsing": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "date_from_datetime_inexact": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "date_parsing": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "date_type": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "datetime_parsing": gettext_lazy("日期时间格式应为 YYYY-MM-DDTHH:MM:SS"),
    "datetime_from_date_parsing": gettext_lazy("日期时间格式应为 YYYY-MM-DDTHH:MM:SS"),
    "datetime_type": gettext_lazy("日期时间格式应为 YYYY-MM-DDTHH:MM:SS"),
    "datetime_object_invalid": gettext_lazy("日期时间无效"),
    "string_too_long": gettext_lazy("内容过长"),
    "string_too_short": gettext_lazy("内容过短"),
    "too_long": gettext_lazy("项数过多"),
    "too_short": gettext_lazy("项数过少"),
    "list_type": gettext_lazy("应为列表"),
    "dict_type": gettext_lazy("应为对象(JSON object)"),
    "model_type": gettext_lazy("应为对象(JSON object)"),
    "model_attributes_type": gettext_lazy("应为对象(JSON object)"),
    "literal_error": gettext_lazy("取值不在允许范围内"),
    "enum": gettext_lazy("取值不在允许范围内"),
    "json_invalid": gettext_lazy("请求体不是有效的 JSON"),
    "extra_forbidden": gettext_lazy("不允许的字段"),
}
# Bounds say the limit they break.
_BOUND_MESSAGES = {
    "greater_than_equal": ("ge", gettext_lazy("不能小于 %(limit)s")),
    "greater_than": ("gt", gettext_lazy("应大于 %(limit)s")),
    "less_than_equal": ("le", gettext_lazy("不能大于 %(limit)s")),
    "less_than": ("lt", gettext_lazy("应小于 %(limit)s")),
}


def _message(err: dict) -> str:
    kind = err.get("type", "")
    if kind in _PYDANTIC_MESSAGES:
        return str(_PYDANTIC_MESSAGES[kind])
    if kind in _BOUND_MESSAGES:
        key, text = _BOUND_MESSAGES[kind]
        return str(text) % {"limit": (err.get("ctx") or {}).get(key, "")}
    return gettext("输入无效")


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc: NinjaValidationError):
    """Schema errors answer like domain errors: {code, message, field}, plus every error found."""
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form", "payload")]
        field = ".".join(loc) or None
        message = _message(err)
        errors.append({"field": field, "message": f"{field}:{message}" if field else message})
    first = errors[0] if errors else {"field": None, "message": gettext("输入无效")}
    body = {
        "code": "validation_failed",
        "message": first["message"],
        "field": first["field"],
        "errors": errors,
    }
    return api.create_response(request, body, status=422)


# django-ninja's own HttpErrors are in English; say them in Chinese (their text may carry a DEBUG suffix).
_HTTP_MESSAGES = {
    "Cannot parse request body": ("invalid_json", gettext_lazy("请求体不是有效的 JSON(或不是 UTF-8 编码)")),
    "Too many requests.": ("rate_limited", gettext_lazy("请求过于频繁,请稍后再试")),
}


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    text = str(exc)
    code, message = next(
        (known for prefix, known in _HTTP_MESSAGES.items() if text.startswith(prefix)),
        (f"http_{exc.status_code}", text),
    )
    return api.create_response(
        request, {"code": code, "message": str(message), "field": None}, status=exc.status_code
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"code": "not_found", "message": gettext("找不到该记录"), "field": None}, status=404
    )


@api.get("/health", tags=["system"], summary="健康检查")
def health(request):
    return {"status": "ok"}


api.add_router("/calendar", calendar.router, tags=["calendar 工作日"])
api.add_router("/ids", ids.router, tags=["identifiers 证件号码"])
api.add_router("/catalog", catalog.router, tags=["catalog 事项目录"])
api.add_router("/disclosure", disclosure.router, tags=["disclosure 政务公开"])
api.add_router("/tickets", tickets.router, tags=["tickets 政民互动"])
api.add_router("/cases", cases_api.router, tags=["cases 办件"])
api.add_router("/supervision", supervision_api.router, tags=["supervision 电子监察"])
api.add_router("/evaluation", evaluation_api.router, tags=["evaluation 好差评"])
api.add_router("/joint", joint_api.router, tags=["joint 并联审批"])

from zhengwu.api import hall as hall_api  # noqa: E402 — the hall's routers, added after the others

api.add_router("/appointments", hall_api.appointments, tags=["appointments 预约"])
api.add_router("/queue", hall_api.queue_router, tags=["queue 排队叫号"])

from zhengwu.api.fees import router as fees_router  # noqa: E402 — fees registers last

api.add_router("/fees", fees_router, tags=["fees 统一收费"])
api.add_router("/licences", licences_api.router, tags=["licences 电子证照"])
