from django.urls import path

from zhengwu.portal.licences import views

app_name = "portal_licences"
urlpatterns = [
    path("", views.wallet, name="wallet"),
    path("<str:identifier>/", views.detail, name="detail"),
    path("<str:identifier>/download/", views.download, name="download"),
    path("<str:identifier>/show/", views.show, name="show"),
]
