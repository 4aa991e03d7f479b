from django.urls import path

from zhengwu.portal.licences import views

app_name = "portal_licences"
urlpatterns = [
    path("", views.wallet, name="wallet"),
    path("granted/<int:grant>/", views.granted, name="granted"),
    path("granted/<int:grant>/download/", views.granted_download, name="granted_download"),
    path("grants/<int:grant>/revoke/", views.revoke_grant, name="revoke_grant"),
    path("grants/organisations/", views.organisations, name="organisations"),
    path("<str:identifier>/", views.detail, name="detail"),
    path("<str:identifier>/download/", views.download, name="download"),
    path("<str:identifier>/show/", views.show, name="show"),
    path("<str:identifier>/authorise/", views.authorise, name="authorise"),
]
