from django.urls import path

from zhengwu.portal.hall import views

app_name = "portal_hall"
urlpatterns = [
    path("visit/", views.index, name="index"),
    path("book/", views.book, name="book"),
    path("mine/", views.mine, name="mine"),
    path("booking/<str:token>/", views.booking, name="booking"),
    path("number/<str:token>/", views.number, name="number"),
    path("<int:centre_id>/take/", views.take, name="take"),
    path("<int:centre_id>/kiosk/", views.kiosk, name="kiosk"),
    path("<int:centre_id>/kiosk/number/<str:token>/", views.kiosk_number, name="kiosk_number"),
    path("<int:centre_id>/kiosk/booked/<str:token>/", views.kiosk_booked, name="kiosk_booked"),
    path("<int:centre_id>/calls/", views.calls, name="calls"),
    path("delivery/<str:number>/", views.delivery_choice, name="delivery"),
]
