"""Admin for what the centre maintains by hand: the category tree with its limits, and leaders' mailboxes.

Tickets, events and the knowledge base change only through the services (workbench, API); here they are read-only.
Every change made here is written to the audit chain in the same transaction.
"""

from django.contrib import admin
from django.db import transaction

from zhengwu.core import access, audit
from zhengwu.tickets.models import ApiKey, Category, Mailbox, Ticket


class CentreMaintained(admin.ModelAdmin):
    def has_module_permission(self, request):
        return access.can_use_admin(request.user)

    has_view_permission = has_add_permission = has_change_permission = lambda self, request, obj=None: (
        access.can_use_admin(request.user)
    )

    def has_delete_permission(self, request, obj=None):
        return access.is_administrator(request.user)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(
                f"tickets.{obj._meta.model_name}_{'changed' if change else 'added'}",
                obj,
                actor=request.user,
                summary={k: str(form.cleaned_data.get(k)) for k in form.changed_data},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(
                f"tickets.{obj._meta.model_name}_deleted", obj, actor=request.user, summary={"name": str(obj)}
            )
            super().delete_model(request, obj)


@admin.register(Category)
class CategoryAdmin(CentreMaintained):
    list_display = ("full_name", "code", "acknowledge_workdays", "handle_workdays", "max_extension_workdays",
                    "urgent_handle_hours", "first_answer_hours", "default_organisation", "is_active")  # fmt: skip
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)


@admin.register(Mailbox)
class MailboxAdmin(CentreMaintained):
    list_display = ("leader_name", "title", "organisation", "is_active")


class ReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return access.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnly):
    list_display = (
        "number", "kind", "status", "category", "lead_organisation", "received_at", "first_answer_due", "handle_due"
    )  # fmt: skip
    list_filter = ("status", "kind", "channel")
    search_fields = ("number",)
    # A read-only foreign key shows as a link to the related record's admin page, which Django does not check the
    # reader may open: accounts are the administrator's, so a centre manager would be shown a link answering 403.
    exclude = ("created_by",)
    readonly_fields = ("created_by_name",)

    @admin.display(description=Ticket._meta.get_field("created_by").verbose_name)
    def created_by_name(self, obj):
        return str(obj.created_by) if obj.created_by_id else "-"


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnly):
    list_display = ("name", "prefix", "is_active", "created_at")
