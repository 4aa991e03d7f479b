from django.urls import path

from zhengwu.workbench.tickets import views

app_name = "workbench_tickets"
urlpatterns = [
    path("", views.index, name="index"),
    path("call/", views.call, name="call"),
    path("call/history/", views.caller_history, name="caller_history"),
    path("call/urge/<str:number>/", views.call_urge, name="call_urge"),
    path("knowledge/search/", views.knowledge_search, name="knowledge_search"),
    path("knowledge/", views.knowledge, name="knowledge"),
    path("dispatch/", views.dispatch_queue, name="dispatch_queue"),
    path("queues/", views.queues, name="queues"),
    path("first-answer/", views.first_answer_queue, name="first_answer_queue"),
    path("hot/", views.hot_topics, name="hot"),
    path("<str:number>/", views.ticket, name="ticket"),
    path("<str:number>/personal/", views.reveal_caller, name="reveal_caller"),
    path("<str:number>/<str:action>/", views.act, name="act"),
]
