from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import User
from luoshi.accounts.validators import mask_mobile
from luoshi.lib import read_only_admin


@admin.register(User)
@read_only_admin
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "first_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name", "last_name"]
    exclude = ["password", "phone"]  # the number is shown masked, as on every other page
    readonly_fields = ["mobile_number"]

    @admin.display(description=_("Mobile number"))
    def mobile_number(self, obj: User) -> str:
        return mask_mobile(obj.phone)
