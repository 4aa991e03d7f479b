"""The root URLs plus Open311 (until the root URLconf mounts it).

Other domains are being built in the same tree; while one of their URL modules fails to import, these tests fall
back to the URLs the ticket pages need, so a neighbour's half-finished work does not hide a ticket regression.
"""

from django.contrib import admin
from django.urls import include, path

open311 = [path("open311/v2/", include("zhengwu.tickets.open311_urls"))]

try:
    from zhengwu.urls import urlpatterns as root
except ImportError:  # pragma: no cover — only while a neighbouring domain is mid-edit
    try:
        from zhengwu.api.urls import api
    except ImportError:
        from ninja import NinjaAPI

        from zhengwu.api import tickets as tickets_api
        from zhengwu.core.errors import DomainError

        api = NinjaAPI(urls_namespace="api")

        @api.exception_handler(DomainError)
        def _domain_error(request, exc):
            return api.create_response(request, exc.as_dict(), status=exc.status)

        api.add_router("/tickets", tickets_api.router)
    root = [
        path("accounts/", include("zhengwu.core.urls")),
        path("admin/", admin.site.urls),
        path("api/", api.urls),
        path("workbench/tickets/", include("zhengwu.workbench.tickets.urls")),
        path("workbench/", include("zhengwu.workbench.urls")),
        path("interaction/", include("zhengwu.portal.tickets.urls")),
        path("", include("zhengwu.portal.urls")),
    ]

urlpatterns = [*open311, *root]
