"""The CKAN action API at both paths CKAN serves it: /api/3/action/<action> and /api/action/<action>."""

from django.urls import path

from zhengwu.api.ckan import views

urlpatterns = [
    path("api/3/action/<str:action>", views.action, name="ckan_action"),
    path("api/action/<str:action>", views.action, name="ckan_action_unversioned"),
]
