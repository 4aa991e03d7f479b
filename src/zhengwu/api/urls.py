"""One NinjaAPI for Zhengwu; one router per domain. OpenAPI docs at /api/docs."""

from ninja import NinjaAPI

from zhengwu.api import calendar, catalog, disclosure, ids, tickets
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


@api.get("/health", tags=["system"], summary="健康检查")
def health(request):
    return {"status": "ok"}


api.add_router("/calendar", calendar.router, tags=["calendar 工作日"])
api.add_router("/ids", ids.router, tags=["identifiers 证件号码"])
api.add_router("/catalog", catalog.router, tags=["catalog 事项目录"])
api.add_router("/disclosure", disclosure.router, tags=["disclosure 政务公开"])
api.add_router("/tickets", tickets.router, tags=["tickets 政民互动"])
