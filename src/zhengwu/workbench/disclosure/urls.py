from django.urls import path

from zhengwu.workbench.disclosure import views

app_name = "workbench_disclosure"
urlpatterns = [
    path("", views.home, name="index"),
    path("publications/", views.publications, name="publications"),
    path("publications/new/", views.publication_new, name="publication_new"),
    path("publications/<int:pk>/", views.publication, name="publication"),
    path("publications/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "publications/<int:pk>/attachments/<int:attachment>/", views.attachment_file, name="attachment_file"
    ),
    path(
        "publications/<int:pk>/attachments/<int:attachment>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("publications/<int:pk>/<str:action>/", views.publication_action, name="publication_action"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/letter.pdf", views.request_letter, name="request_letter"),
    path("requests/<int:pk>/reveal/", views.request_reveal, name="request_reveal"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("remedies/", views.remedies, name="remedies"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("profile/", views.profile, name="profile"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:org>/<int:year>/", views.report, name="report"),
]
