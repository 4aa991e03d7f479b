"""The hall screen (大屏): public, names masked, refreshing itself. Mounted at /hall/ by the project's urls.py (the
screen is an interface: its routing lives here, not in the supervision domain)."""

from django.urls import path

from zhengwu.workbench.supervision import views

app_name = "hall"
urlpatterns = [
    path("<int:centre_id>/", views.hall, name="screen"),
    path("<int:centre_id>/data/", views.hall_data, name="data"),
]
