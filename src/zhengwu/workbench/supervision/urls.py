from django.urls import path

from zhengwu.workbench.supervision import views

app_name = "workbench_supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("data/", views.dashboard_data, name="data"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/review/", views.review_alert, name="review_alert"),
    path("orders/", views.orders, name="orders"),
    path("orders/new/<str:kind>/", views.order_new, name="order_new"),
    path("orders/<str:number>/", views.order, name="order"),
    path("indicators/", views.indicator_page, name="indicators"),
    path("bulletin/", views.bulletin_page, name="bulletin"),
    path("bulletin/<str:month>.<str:fmt>", views.bulletin_file, name="bulletin_file"),
]
