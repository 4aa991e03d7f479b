from django.urls import path

from zhengwu.workbench.joint import views

app_name = "workbench_joint"
urlpatterns = [
    path("", views.index, name="index"),
    path("bundles/", views.bundle_list, name="bundles"),
    path("register/", views.register, name="register"),
    path("bundles/new/", views.bundle_edit, name="bundle_new"),
    path("bundles/<str:code>/", views.bundle_detail, name="bundle"),
    path("bundles/<str:code>/edit/", views.bundle_edit, name="bundle_edit"),
    path("bundles/<str:code>/<str:action>/", views.bundle_act, name="bundle_act"),
    path("<str:number>/", views.case, name="case"),
    path("<str:number>/personal/", views.reveal_personal, name="reveal_personal"),
    path("<str:number>/decisions/<int:notice_id>.pdf", views.member_decision, name="member_decision"),
    path("<str:number>/notify/", views.notify, name="notify"),
    path("<str:number>/materials/", views.upload, name="upload"),
    path("<str:number>/members/<int:position>/confirm/", views.confirm, name="confirm"),
    path("<str:number>/members/<int:position>/missing/", views.missing, name="missing"),
    path("<str:number>/members/<int:position>/deny/", views.deny, name="deny"),
    path("<str:number>/members/<int:position>/refuse/", views.refuse, name="refuse"),
    path("<str:number>/members/<int:position>/forward/", views.forward, name="forward"),
    path("<str:number>/members/<int:position>/forward-reply/", views.forward_reply, name="forward_reply"),
    path("<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:number>/lead-window/", views.lead_window, name="lead_window"),
    path("<str:number>/meetings/", views.convene, name="convene"),
    path("<str:number>/meetings/<int:meeting_id>/opinions/<int:position>/", views.opinion, name="opinion"),
    path("<str:number>/meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
]
