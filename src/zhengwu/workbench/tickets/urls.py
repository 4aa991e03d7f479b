app_name = "workbench_tickets"
urlpatterns: list = []
