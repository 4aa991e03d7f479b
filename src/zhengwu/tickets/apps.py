from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "zhengwu.tickets"
    label = "tickets"
    verbose_name = "政民互动"
