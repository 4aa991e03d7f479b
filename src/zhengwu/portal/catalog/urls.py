app_name = "portal_catalog"
urlpatterns: list = []
