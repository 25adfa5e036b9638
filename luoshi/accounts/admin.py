from django.contrib import admin

from luoshi.accounts.models import User
from luoshi.lib import read_only_admin


@admin.register(User)
@read_only_admin
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "first_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name", "last_name"]
    exclude = ["password"]
