"""Django admin for administrators and centre managers, scoped by core.access; every change is audited.

Permissions come from core.access, not from Django's per-user permission table: a centre manager sees and
edits the organisations, staff, centres and windows of their region; the audit chain is read-only for all.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengwu.core import access, audit, views
from zhengwu.core.models import (
    AuditRecord,
    CalendarYear,
    Organisation,
    Region,
    Role,
    ServiceCentre,
    Staff,
    StaffRole,
    Window,
)


def _has_permission(request) -> bool:
    return access.can_use_admin(request.user)


def _login(request, extra_context=None):
    """Admin sign-in is our sign-in (lock-out, second factor, audit); signed-in staff without admin rights get 403."""
    if request.user.is_authenticated:
        raise PermissionDenied(_("只有系统管理员和中心管理人员可以使用管理后台"))
    return redirect_to_login(
        request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"), login_url=reverse("core:login")
    )


def _logout(request, extra_context=None):
    return views.logout_view(request)


admin.site.has_permission = _has_permission
admin.site.login = _login
admin.site.logout = _logout


class ScopedAdmin(admin.ModelAdmin):
    """Rows and choices narrowed to what core.access lets the user see; adds, changes and deletes audited."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.is_administrator(request.user):
            return queryset
        return queryset.filter(pk__in=access.visible(request.user, self.model).values("pk"))

    def has_module_permission(self, request):
        return access.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user) and (obj is None or access.can_see(request.user, obj))

    def has_add_permission(self, request):
        return access.can_manage(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return access.can_manage(request.user, self.model)
        return access.can_manage_record(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in (Region, Organisation, ServiceCentre, Window):
            kwargs["queryset"] = access.visible(request.user, db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model in (Organisation,):
            kwargs["queryset"] = access.visible(request.user, db_field.related_model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(
                "admin.changed" if change else "admin.added",
                obj,
                summary={"label": str(obj), "fields": list(form.changed_data)},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record("admin.deleted", obj, summary={"label": str(obj)})
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit.record("admin.deleted", obj, summary={"label": str(obj)})
            super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are never added, changed or deleted through admin."""

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = (
        "name",
        "short_name",
        "uscc",
        "kind",
        "region",
        "parent",
        "is_active",
        "is_hotline_centre",
    )
    list_filter = ("kind", "is_active", "is_hotline_centre")
    search_fields = ("name", "short_name", "uscc")
    list_select_related = ("region", "parent")


@admin.register(ServiceCentre)
class ServiceCentreAdmin(ScopedAdmin):
    list_display = ("name", "kind", "region", "managed_by")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("region", "managed_by")


@admin.register(Window)
class WindowAdmin(ScopedAdmin):
    list_display = ("number", "name", "kind", "centre", "collects_fees", "is_active")
    list_filter = ("kind", "collects_fees", "is_active")
    search_fields = ("number", "name")
    list_select_related = ("centre",)
    filter_horizontal = ("organisations",)


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            grantable = set(access.grantable_roles(request.user))
            kwargs["choices"] = [(value, label) for value, label in Role.choices if value in grantable]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return access.can_manage(request.user, Staff) and (
            obj is None or access.can_manage_record(request.user, obj)
        )

    has_change_permission = has_delete_permission = has_add_permission


class StaffCreationForm(forms.ModelForm):
    """A new staff member: attached to an existing account, or created together with a new one, so centre
    managers need no superuser to add people."""

    username = forms.CharField(
        label=_("新账号用户名"),
        max_length=150,
        required=False,
        help_text=_("不选已有账号时填写;字母、数字或 @.+-_"),
    )
    password = forms.CharField(
        label=_("新账号初始密码"),
        strip=False,
        required=False,
        widget=forms.PasswordInput,
        help_text=_("至少 8 位,不能全是数字"),
    )

    class Meta:
        model = Staff
        fields = ("user", "name", "organisation", "window", "phone", "title", "window_authorised")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].required = False
        self.fields["user"].label = _("已有账号")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            return ""
        user_model = get_user_model()
        try:
            user_model.username_validator(username)
        except forms.ValidationError as exc:
            raise forms.ValidationError(_("用户名只能包含字母、数字和 @.+-_")) from exc
        if user_model.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("用户名「%(name)s」已被使用") % {"name": username})
        return username

    def clean(self):
        data = super().clean()
        existing, username, password = data.get("user"), data.get("username"), data.get("password")
        if existing and (username or password):
            self.add_error("username", _("已选择已有账号,不要再填写新账号"))
        elif not existing and "username" not in self.errors:
            if not username:
                self.add_error("username", _("请选择已有账号,或填写新账号的用户名和初始密码"))
            elif not password:
                self.add_error("password", _("请填写新账号的初始密码"))
            else:
                try:
                    validate_password(password, get_user_model()(username=username))
                except forms.ValidationError as exc:
                    self.add_error("password", exc)
        return data

    def save(self, commit=True):
        if not self.cleaned_data.get("user"):
            user = get_user_model()(username=self.cleaned_data["username"])
            user.set_password(self.cleaned_data["password"])
            user.save()
            self.instance.user = user
        return super().save(commit=commit)


@admin.register(Staff)
class StaffAdmin(ScopedAdmin):
    add_form = StaffCreationForm

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "username", "password", *StaffCreationForm.Meta.fields[1:]]
        return super().get_fields(request, obj)

    list_display = ("name", "user", "organisation", "window", "title", "role_names")
    search_fields = ("name", "user__username", "phone")
    list_select_related = ("user", "organisation", "window")
    inlines = [StaffRoleInline]

    @admin.display(description=_("角色"))
    def role_names(self, obj: Staff) -> str:
        return "、".join(role.get_role_display() for role in obj.roles.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = access.assignable_users(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            if any(formset.has_changed() for formset in formsets):
                roles = sorted(form.instance.roles.values_list("role", flat=True))
                audit.record("admin.roles_changed", form.instance, summary={"roles": roles})


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "loaded_at", "loaded_by")


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    """The audit chain: read-only for everyone, always (the database refuses changes too)."""

    list_display = ("id", "at", "actor_label", "action", "object_type", "object_id", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "action", "object_id")
    date_hierarchy = "at"

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user) and access.can_read_audit(request.user)

    def get_queryset(self, request):
        return access.visible_audit_records(request.user).order_by("-id")

    def get_actions(self, request):
        return {}
