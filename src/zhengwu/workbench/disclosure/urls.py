app_name = "workbench_disclosure"
urlpatterns: list = []
