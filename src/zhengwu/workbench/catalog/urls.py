app_name = "workbench_catalog"
urlpatterns: list = []
