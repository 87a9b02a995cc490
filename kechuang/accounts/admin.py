from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User, UserRole


class RoleInline(admin.TabularInline):
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "unit", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("单位", {"fields": ("unit", "display_name", "phone", "is_demo")}),)
    inlines = [RoleInline]


@admin.register(UserRole)
class UserRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "granted_at"]
    list_filter = ["role"]
