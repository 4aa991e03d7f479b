from django.urls import path

from zhengwu.workbench.licences import views

app_name = "workbench_licences"
urlpatterns = [
    path("", views.index, name="index"),
    path("types/", views.types, name="types"),
    path("granted/", views.granted_list, name="granted_list"),
    path("granted/<int:grant>/", views.granted, name="granted"),
    path("granted/<int:grant>/download/", views.granted_download, name="granted_download"),
    path("cases/<str:number>/issue/", views.issue_missing, name="issue_missing"),
    path("<str:identifier>/", views.detail, name="detail"),
    path("<str:identifier>/pdf/", views.pdf, name="pdf"),
    path("<str:identifier>/personal/", views.reveal_personal, name="reveal_personal"),
    path("<str:identifier>/<str:action>/", views.act, name="act"),
]
