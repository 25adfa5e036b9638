from django.contrib import admin

from luoshi.audit.models import AuditEvent
from luoshi.lib import read_only_admin


@admin.register(AuditEvent)
@read_only_admin
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "actor_label", "verb", "object_type", "object_id"]
    list_filter = ["verb", "object_type"]
    search_fields = ["actor_label", "object_id"]
