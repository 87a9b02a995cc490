from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Unit, UnitAlias, UnitGroup


class AliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "full_name", "kind", "parent", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "full_name", "code", "aliases__alias"]
    inlines = [AliasInline]


@admin.register(UnitGroup)
class UnitGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "root", "kinds"]
