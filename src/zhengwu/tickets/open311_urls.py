"""Open311 GeoReport v2, mounted at /open311/v2/ by the root URLconf."""

from django.urls import re_path

from zhengwu.tickets import open311

app_name = "open311"
urlpatterns = [
    re_path(r"^services\.(?P<fmt>[a-z]+)$", open311.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+)\.(?P<fmt>json|xml)$", open311.service_definition, name="service"),
    re_path(r"^requests\.(?P<fmt>[a-z]+)$", open311.requests_view, name="requests"),
    re_path(r"^requests/(?P<number>[^/.]+)\.(?P<fmt>[a-z]+)$", open311.request_detail, name="request"),
]
