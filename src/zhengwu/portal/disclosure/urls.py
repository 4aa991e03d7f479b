from django.urls import path

from zhengwu.portal.disclosure import views

app_name = "portal_disclosure"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:pk>/", views.organisation, name="organisation"),
    path("org/<int:pk>/guide/", views.guide, name="guide"),
    path("attachment/<int:pk>/", views.attachment, name="attachment"),
    path("p/<path:index_number>/", views.publication, name="publication"),
    path("search/", views.search, name="search"),
    path("feed/", views.feed, name="feed"),
    path("feed/<int:category>/", views.feed, name="category_feed"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("request/", views.file_request, name="request"),
    path("request/done/", views.request_done, name="request_done"),
    path("track/", views.track, name="track"),
    path("track/letter.pdf", views.letter, name="letter"),
    path("track/withdraw/", views.withdraw, name="withdraw"),
    path("track/supplement/", views.supplement, name="supplement"),
]
