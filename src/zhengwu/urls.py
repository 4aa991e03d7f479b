from django.contrib import admin
from django.urls import include, path

from zhengwu.api.urls import api
from zhengwu.core import views as core_views

admin.site.site_header = "政务平台管理"
admin.site.site_title = "政务平台管理"
admin.site.index_title = "基础数据"

urlpatterns = [
    path("healthz", core_views.health, name="health"),
    path("accounts/", include("zhengwu.core.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("workbench/", include("zhengwu.workbench.urls")),
    path("", include("zhengwu.portal.urls")),
]
