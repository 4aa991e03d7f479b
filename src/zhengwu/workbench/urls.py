from django.urls import path

from zhengwu.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
]
