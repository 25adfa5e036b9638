from django.contrib import admin

from luoshi.lib import read_only_admin
from luoshi.meetings.models import AgendaItem, Directive, Meeting, PriorityArea


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
@read_only_admin
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "kind", "chair_name", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "readout"]
    inlines = [AgendaItemInline]


@admin.register(Directive)
@read_only_admin
class DirectiveAdmin(admin.ModelAdmin):
    list_display = ["meeting", "order", "text"]
    search_fields = ["text"]


@admin.register(PriorityArea)
@read_only_admin
class PriorityAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]
