from django.urls import path

from zhengwu.workbench.fees import views as workbench

app_name = "fees_workbench"
urlpatterns = [
    path("", workbench.index, name="index"),
    path("window/", workbench.record, name="record"),
    path("cases/<str:number>/issue/", workbench.issue, name="issue"),
    path("notices/<str:code>/", workbench.notice, name="notice"),
    path("notices/<str:code>/correct/", workbench.correct, name="correct"),
    path("notices/<str:code>/refund/", workbench.refund, name="refund"),
    path("refunds/<int:refund_id>/decide/", workbench.decide, name="decide"),
    path("refunds/<int:refund_id>/card/", workbench.card_refund, name="card_refund"),
    path("refunds/<int:refund_id>/cash/", workbench.cash_refund, name="cash_refund"),
    path("receipts/<str:number>/void/", workbench.void, name="void"),
    path("catalogue/", workbench.catalogue, name="catalogue"),
    path("catalogue/new/", workbench.fee_new, name="fee_new"),
    path("catalogue/<int:pk>/", workbench.fee_detail, name="fee"),
    path("catalogue/<int:pk>/revise/", workbench.fee_revise, name="fee_revise"),
    path("reconcile/", workbench.reconciliation, name="reconcile"),
]
