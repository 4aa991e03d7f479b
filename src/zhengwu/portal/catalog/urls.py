from django.urls import path

from zhengwu.portal.catalog import views

app_name = "portal_catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("changes/", views.changes, name="changes"),
    path("<str:code>/", views.guide, name="guide"),
    path("<str:code>/files/<str:kind>/", views.attachment, name="attachment"),
    path("<str:code>/files/<str:kind>/<int:material>/", views.attachment, name="attachment"),
    path("<str:code>/guide.pdf", views.guide_pdf_view, name="guide_pdf"),
]
