from django.urls import path

from zhengwu.portal.cases import views

app_name = "portal_cases"
urlpatterns = [
    path("", views.index, name="index"),
    path("lookup/", views.lookup, name="lookup"),
    path("due/", views.due, name="due"),
    path("register/", views.register, name="register"),
    path("signin/", views.sign_in, name="signin"),
    path("signin/legal/", views.sign_in_legal, name="signin_legal"),
    path("signout/", views.sign_out, name="signout"),
    path("apply/<str:code>/", views.apply, name="apply"),
    path("mine/<str:number>/", views.detail, name="detail"),
    path("mine/<str:number>/supply/", views.supply, name="supply"),
    path("mine/<str:number>/upload/", views.upload, name="upload"),
    path("mine/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("mine/<str:number>/notices/<int:notice_id>.pdf", views.notice_pdf, name="notice_pdf"),
]
