from django.urls import path

from zhengwu.portal.evaluation import views

app_name = "portal_evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("find/", views.find, name="find"),
    path("commitments/", views.commitments, name="commitments"),
    path("commitments/<int:organisation>/", views.commitment, name="commitment"),
    path("commitments/<int:organisation>/v<int:version>/", views.commitment, name="commitment_version"),
    path("notice/<str:token>/", views.notice_pdf, name="notice"),
    path("<str:token>/", views.rate_page, name="rate"),
]
