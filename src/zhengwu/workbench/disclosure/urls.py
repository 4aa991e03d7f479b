from django.urls import path

from zhengwu.workbench.disclosure import views

app_name = "workbench_disclosure"
urlpatterns = [
    path("", views.home, name="index"),
    path("publications/", views.publications, name="publications"),
    path("publications/new/", views.publication_new, name="publication_new"),
    path("publications/<int:pk>/", views.publication, name="publication"),
    path("publications/<int:pk>/<str:action>/", views.publication_action, name="publication_action"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/letter.pdf", views.request_letter, name="request_letter"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:org>/<int:year>/", views.report, name="report"),
]
