from django.urls import path

from zhengwu.fees import portal

app_name = "fees_portal"
urlpatterns = [
    path("", portal.index, name="index"),
    path("<int:organisation>/", portal.fee_list, name="list"),
]
