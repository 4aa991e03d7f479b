app_name = "portal_disclosure"
urlpatterns: list = []
