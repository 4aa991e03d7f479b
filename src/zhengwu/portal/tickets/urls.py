from django.urls import path

from zhengwu.portal.tickets import views

app_name = "portal_tickets"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("new/filed/", views.filed, name="filed"),
    path("track/", views.track, name="track"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("faq/", views.faq, name="faq"),
]
