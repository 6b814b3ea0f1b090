"""Accounts are managed in the workspace (/werk/gebruikers/), where a
coordinator can give the two roles and nothing more. Django's own user and
group admin, where any permission can be granted, is for superusers only."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User


class SuperusersOnly:
    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(SuperusersOnly, UserAdmin):
    pass


@admin.register(Group)
class RoleAdmin(SuperusersOnly, GroupAdmin):
    pass
