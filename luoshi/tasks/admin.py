from django.contrib import admin

from luoshi.lib import read_only_admin
from luoshi.tasks.models import Escalation, Instruction, ProgressReport, Task, Urge


@admin.register(Task)
@read_only_admin
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "lead_unit", "status", "light", "progress", "deadline"]
    list_filter = ["status", "light", "cadence"]
    search_fields = ["title"]
    list_select_related = ["lead_unit"]


for model in (ProgressReport, Urge, Escalation, Instruction):
    admin.site.register(model, read_only_admin(type(f"{model.__name__}Admin", (admin.ModelAdmin,), {})))
