"""Admin shows the catalogue read-only: every change goes through the draft → submit → publish workflow."""

from django.contrib import admin

from zhengwu.catalog.models import ChangeLogEntry, Fee, ItemVersion, Material, ServiceItem, Step
from zhengwu.core import access


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


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ["position", "name", "required", "condition", "form", "copies", "medium", "source", "issuer"]


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


for inline in (MaterialInline, StepInline, FeeInline):
    inline.has_add_permission = inline.has_delete_permission = lambda self, request, obj=None: False
    inline.has_change_permission = lambda self, request, obj=None: False


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnly):
    list_display = ["code", "item_type", "organisation", "status", "current_version"]
    list_filter = ["item_type", "status"]
    search_fields = ["code", "versions__name"]


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnly):
    list_display = ["item", "number", "name", "status", "effective_on"]
    list_filter = ["status"]
    search_fields = ["item__code", "name"]
    inlines = [MaterialInline, StepInline, FeeInline]


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(ReadOnly):
    list_display = ["effective_on", "kind", "item_name", "item", "reason"]
    list_filter = ["kind"]
