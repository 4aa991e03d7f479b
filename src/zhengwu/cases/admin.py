"""Read-only admin views of cases: every change goes through the services (and so through the workflow)."""

from django.contrib import admin

from zhengwu.cases import selectors
from zhengwu.cases.models import Case, CaseEvent, OutboxMessage
from zhengwu.core import access


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_module_permission(self, request):
        return access.can_use_admin(request.user)


class EventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("seq", "at", "action", "from_status", "to_status", "actor_label", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = (
        "number",
        "status",
        "organisation",
        "received_at",
        "promised_due",
        "legal_due",
        "due_provisional",
    )
    list_filter = ("status", "channel", "due_provisional")
    search_fields = ("number",)
    inlines = [EventInline]
    # A read-only foreign key shows as a link to the related record's admin page, which Django does not check the
    # reader may open: accounts are the administrator's, so a centre manager would be shown a link answering 403.
    exclude = ("created_by",)
    readonly_fields = ("created_by_name",)

    @admin.display(description=Case._meta.get_field("created_by").verbose_name)
    def created_by_name(self, obj):
        return str(obj.created_by) if obj.created_by_id else "-"

    def get_queryset(self, request):
        return selectors.visible_cases(request.user)


@admin.register(OutboxMessage)
class OutboxAdmin(ReadOnly):
    list_display = ("created_at", "channel", "case", "state", "attempts", "last_error")
    list_filter = ("state", "channel")

    def get_queryset(self, request):
        return selectors.outbox(request.user)
