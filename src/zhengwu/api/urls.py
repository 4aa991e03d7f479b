"""One NinjaAPI for Zhengwu; one router per domain. OpenAPI docs at /api/docs."""

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from zhengwu.api import calendar, catalog, disclosure, ids, tickets
from zhengwu.api import cases as cases_api
from zhengwu.api import evaluation as evaluation_api
from zhengwu.api import supervision as supervision_api
from zhengwu.core.errors import DomainError

api = NinjaAPI(
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
    return api.create_response(
        request, {"code": "unauthenticated", "message": "请先登录", "field": None}, status=401
    )


@api.exception_handler(AuthorizationError)
def not_allowed(request, exc):
    return api.create_response(
        request, {"code": "forbidden", "message": "无权访问或操作该记录", "field": None}, status=403
    )


_PYDANTIC_MESSAGES = {
    "missing": "必填项未填写",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是或否(true/false)",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "日期时间格式应为 YYYY-MM-DDTHH:MM:SS",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "json_invalid": "请求体不是有效的 JSON",
}


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc: NinjaValidationError):
    """Schema errors answer like domain errors: {code, message, field}, plus every error found."""
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form", "payload")]
        field = ".".join(loc) or None
        message = _PYDANTIC_MESSAGES.get(err.get("type", ""), err.get("msg", "输入无效"))
        errors.append({"field": field, "message": f"{field}:{message}" if field else message})
    first = errors[0] if errors else {"field": None, "message": "输入无效"}
    body = {
        "code": "validation_failed",
        "message": first["message"],
        "field": first["field"],
        "errors": errors,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(
        request,
        {"code": f"http_{exc.status_code}", "message": str(exc), "field": None},
        status=exc.status_code,
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
