from django.urls import path

from zhengwu.workbench.cases import views

app_name = "workbench_cases"
urlpatterns = [
    path("", views.index, name="index"),
    path("outbox/", views.outbox, name="outbox"),
    path("written/", views.written, name="written"),
    path("written/<int:notice_id>/serve/", views.serve_written, name="serve_written"),
    path("written/<int:notice_id>/print/", views.print_written, name="print_written"),
    path("counter/", views.counter_pick, name="counter_pick"),
    path("counter/<str:code>/", views.counter, name="counter"),
    path("<str:number>/", views.case_page, name="case"),
    path("<str:number>/act/<str:action>/", views.act, name="act"),
    path("<str:number>/personal/", views.reveal_personal, name="reveal_personal"),
    path("<str:number>/materials/<int:material_id>/", views.material_file, name="material"),
    path("<str:number>/attachments/<int:attachment_id>/", views.attachment_file, name="attachment"),
    path("<str:number>/notices/<int:notice_id>.pdf", views.notice_pdf, name="notice_pdf"),
]
