from django.contrib import admin

from kechuang.core.admin_site import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: nobody edits or deletes the audit log through the application."""

    list_display = ["time", "username", "action", "result", "object_repr", "ip"]
    list_filter = ["action", "result"]
