from django.urls import path

from zhengwu.portal import views
from zhengwu.portal.evaluation import views as evaluation_views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    # the short rating link in messages (/r/<code>), short enough to type from a phone screen
    path("r/<str:code>", evaluation_views.short_link, name="rating_short"),
]
