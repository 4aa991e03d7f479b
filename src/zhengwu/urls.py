from django.contrib import admin
from django.urls import include, path

from zhengwu.api.urls import api
from zhengwu.cases import views as case_views
from zhengwu.core import views as core_views

admin.site.site_header = "政务平台管理"
admin.site.site_title = "政务平台管理"
admin.site.index_title = "基础数据"

urlpatterns = [
    path("healthz", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("zhengwu.core.urls")),
    path("admin/", admin.site.urls),
    # CKAN-compatible action API, at the paths CKAN serves it (before the API's own /api/)
    path("", include("zhengwu.api.ckan.urls")),
    path("api/", api.urls),
    path("workbench/catalog/", include("zhengwu.workbench.catalog.urls")),
    path("workbench/disclosure/", include("zhengwu.workbench.disclosure.urls")),
    path("workbench/tickets/", include("zhengwu.workbench.tickets.urls")),
    path("workbench/supervision/", include("zhengwu.workbench.supervision.urls")),
    path("workbench/evaluation/", include("zhengwu.workbench.evaluation.urls")),
    path("workbench/cases/", include("zhengwu.workbench.cases.urls")),
    path("workbench/joint/", include("zhengwu.workbench.joint.urls")),
    path("workbench/", include("zhengwu.workbench.urls")),
    path("services/", include("zhengwu.portal.catalog.urls")),
    path("cases/", include("zhengwu.portal.cases.urls")),
    path("disclosure/", include("zhengwu.portal.disclosure.urls")),
    # The CKAN action API where earlier versions served it (clients pointed at <site>/disclosure keep working)
    path("disclosure/", include(("zhengwu.api.ckan.urls", "ckan_legacy"))),
    path("interaction/", include("zhengwu.portal.tickets.urls")),
    path("open311/v2/", include("zhengwu.tickets.open311_urls")),
    path("hall/", include("zhengwu.workbench.supervision.hall_urls")),
    path("hall/", include("zhengwu.portal.hall.urls")),
    path("workbench/hall/", include("zhengwu.workbench.hall.urls")),
    path("supervision/", include("zhengwu.portal.supervision.urls")),
    path("verify/licence/", include("zhengwu.portal.licences.verify_urls")),
    path("verify/<str:token>", case_views.verify_notice, name="verify_notice"),
    path("rate/", include("zhengwu.portal.evaluation.urls")),
    path("bundles/", include("zhengwu.portal.joint.urls")),
    path("licences/", include("zhengwu.portal.licences.urls")),
    path("workbench/licences/", include("zhengwu.workbench.licences.urls")),
    path("", include("zhengwu.portal.urls")),
    path("fees/", include("zhengwu.portal.fees.urls")),
    path("workbench/fees/", include("zhengwu.workbench.fees.urls")),
]

# An uncaught exception: 500, or 503 with Retry-After while the database or Redis is unavailable (JSON on /api/).
handler500 = "zhengwu.core.views.server_error"
