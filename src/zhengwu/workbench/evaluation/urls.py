from django.urls import path

from zhengwu.workbench.evaluation import views

app_name = "workbench_evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("tablet/", views.tablet, name="tablet"),
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("rectifications/<int:pk>/personal/", views.rectification_reveal, name="rectification_reveal"),
    path("rectifications/<int:pk>/<str:action>/", views.rectification_act, name="rectification_act"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/decide/", views.decide_appeal, name="decide_appeal"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/<int:pk>/", views.ledger_entry, name="ledger_entry"),
    path("ledger/<int:pk>/personal/", views.ledger_reveal, name="ledger_reveal"),
    path("ledger/<int:pk>/<str:action>/", views.ledger_act, name="ledger_act"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("commitments/", views.commitments, name="commitments"),
    path("settings/", views.region_settings, name="settings"),
    path("export/", views.export, name="export"),
]
