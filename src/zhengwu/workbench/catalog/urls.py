from django.urls import path

from zhengwu.workbench.catalog import views

app_name = "workbench_catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("new/check/", views.check, name="check_new"),
    path("new/windows/", views.new_windows, name="new_windows"),
    path("review/", views.review, name="review"),
    path("excel/template.xlsx", views.excel_template, name="excel_template"),
    path("excel/export.xlsx", views.excel_export, name="excel_export"),
    path("excel/import/", views.excel_import, name="excel_import"),
    path("export.json", views.json_export, name="json_export"),
    path("<str:code>/", views.item_detail, name="item"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/check/", views.check, name="check"),
    path("<str:code>/submit/", views.submit, name="submit"),
    path("<str:code>/publish/", views.publish, name="publish"),
    path("<str:code>/return/", views.return_draft, name="return"),
    path("<str:code>/attach/", views.attach, name="attach"),
    path("<str:code>/cancel/", views.cancel, name="cancel"),
    path("<str:code>/transfer/", views.transfer, name="transfer"),
    path("<str:code>/compare/", views.compare, name="compare"),
]
