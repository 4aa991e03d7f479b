from django.urls import path

from zhengwu.workbench.joint import views

app_name = "workbench_joint"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:number>/", views.case, name="case"),
    path("<str:number>/notify/", views.notify, name="notify"),
    path("<str:number>/members/<int:position>/confirm/", views.confirm, name="confirm"),
    path("<str:number>/members/<int:position>/missing/", views.missing, name="missing"),
]
