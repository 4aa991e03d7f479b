from django.urls import path

from zhengwu.portal.licences import views

urlpatterns = [
    path("", views.check_file, name="licence_check"),
    path("show/<str:token>", views.shown, name="licence_shown"),
    path("<str:identifier>", views.verify, name="licence_verify"),
]
