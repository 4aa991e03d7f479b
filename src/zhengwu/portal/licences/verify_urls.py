from django.urls import path

from zhengwu.portal.licences import views

urlpatterns = [
    path("", views.check_file, name="licence_check"),
    path("root.pem", views.trust_root, name="licence_trust_root"),
    path("show/<str:token>", views.shown, name="licence_shown"),
    path("<str:identifier>", views.verify, name="licence_verify"),
]
