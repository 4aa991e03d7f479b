from django.urls import path

from zhengwu.core import views

app_name = "core"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.otp_view, name="login_otp"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/setup/", views.otp_setup_view, name="otp_setup"),
]
