from django.contrib import admin

from luoshi.lib import read_only_admin
from luoshi.units.models import Unit


@admin.register(Unit)
@read_only_admin
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name_zh", "name_en"]
