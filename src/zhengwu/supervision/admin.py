"""The warning thresholds are set by centre managers and administrators in Django admin; every change is audited."""

from django.contrib import admin
from django.db import transaction

from zhengwu.core import access, audit, clock
from zhengwu.supervision.models import Thresholds


@admin.register(Thresholds)
class ThresholdsAdmin(admin.ModelAdmin):
    list_display = ("warn_workdays", "warn_share", "backdating_hours", "updated_at")
    readonly_fields = ("updated_at",)

    def has_module_permission(self, request):
        return access.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_add_permission(self, request):
        # One row (pk 1) holds the county's thresholds.
        return access.can_use_admin(request.user) and not Thresholds.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            obj.pk, obj.updated_at = 1, clock.now()
            super().save_model(request, obj, form, change)
            audit.record(
                "supervision.thresholds_changed",
                obj,
                summary={
                    f: str(getattr(obj, f)) for f in ("warn_workdays", "warn_share", "backdating_hours")
                },
            )
