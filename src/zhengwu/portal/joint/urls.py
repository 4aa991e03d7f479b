from django.urls import path

from zhengwu.portal.joint import views

app_name = "portal_joint"
urlpatterns = [
    path("", views.index, name="index"),
    path("directory/", views.directory, name="directory"),
    path("directory.pdf", views.directory_pdf, name="directory_pdf"),
    path("mine/", views.my_cases, name="mine"),
    path("cases/<str:number>/", views.case, name="case"),
    path("cases/<str:number>/upload/", views.upload, name="upload"),
    path("cases/<str:number>/supply/", views.supply, name="supply"),
    path("cases/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:code>/", views.guide, name="guide"),
    path("<str:code>/apply/", views.apply, name="apply"),
    path("<str:code>/guide.pdf", views.guide_pdf, name="guide_pdf"),
    path("<str:code>/manual/", views.manual, name="manual"),
    path("<str:code>/manual.pdf", views.manual_pdf, name="manual_pdf"),
]
