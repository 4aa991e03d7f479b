app_name = "portal_tickets"
urlpatterns: list = []
