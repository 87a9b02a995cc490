from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, IndicatorShare, Plan, Task, TaskUnit


class TaskUnitInline(admin.TabularInline):
    model = TaskUnit
    extra = 0
    autocomplete_fields = ["unit"]


class ShareInline(admin.TabularInline):
    model = IndicatorShare
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "code", "doc_number", "year", "status"]
    list_filter = ["status", "year"]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan", "is_key"]
    list_filter = ["plan", "is_key"]
    inlines = [TaskUnitInline]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "target", "measure", "kind", "source", "plan"]
    list_filter = ["plan", "kind", "source"]
    inlines = [ShareInline]
