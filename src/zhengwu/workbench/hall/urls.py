from django.urls import path

from zhengwu.workbench.hall import views

app_name = "workbench_hall"
urlpatterns = [
    path("", views.index, name="index"),
    path("terminal/", views.terminal, name="terminal"),
    path("terminal/<str:action>/", views.terminal_act, name="terminal_act"),
    path("desk/", views.desk, name="desk"),
    path("book/", views.book, name="book"),
    path("rules/", views.rules, name="rules"),
    path("hours/", views.hours, name="hours"),
    path("waits/", views.wait_notices, name="waits"),
    path("waits/recipients/", views.wait_recipients, name="recipients"),
    path("waits/<int:notice_id>/read/", views.wait_notice_read, name="wait_read"),
    path("delivery/", views.delivery_page, name="delivery"),
    path("delivery/<int:case_id>/reveal/", views.reveal_address, name="reveal_address"),
]
