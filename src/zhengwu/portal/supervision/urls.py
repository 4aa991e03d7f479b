from django.urls import path

from zhengwu.portal.supervision import views

app_name = "portal_supervision"
urlpatterns = [
    path("indicators/<int:year>-<int:month>.csv", views.indicators_csv, name="indicators_csv"),
]
