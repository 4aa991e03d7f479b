from django.urls import path

from zhengwu.portal.fees import views as portal

app_name = "fees_portal"
urlpatterns = [
    path("", portal.index, name="index"),
    path("<int:organisation>/", portal.fee_list, name="list"),
    path("pay/<str:code>/", portal.pay, name="pay"),
    path("pay/<str:code>/simulator/", portal.simulator_page, name="simulator"),
    path("callbacks/<str:provider>/", portal.callback, name="callback"),
    path("notices/<str:code>.pdf", portal.notice_pdf, name="notice_pdf"),
    path("receipts/<str:number>.pdf", portal.receipt_pdf, name="receipt_pdf"),
    path("receipts/<str:number>/", portal.check_receipt, name="check_receipt"),
]
