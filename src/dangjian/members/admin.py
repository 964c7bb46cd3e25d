"""Members in the maintenance back door (see core/admin.py).

ID number, phone and address are encrypted; here they are shown masked and cannot be edited, and the list
never shows them. An exact ID number typed in the search box is found through its lookup hash.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dangjian.core import idnumber
from dangjian.core.crypto import lookup_hash, mask_id_number, mask_phone

from .models import Member

PERSONAL_FIELDS = ("id_number", "phone", "address")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("name", "gender", "org", "category", "status", "joined_on")
    list_filter = ("category", "status", "gender")
    search_fields = ("name",)
    list_select_related = ("org",)
    raw_id_fields = ("org", "party_group")
    exclude = PERSONAL_FIELDS
    readonly_fields = ("masked_id_number", "masked_phone", "masked_address", "org_path")
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("公民身份号码"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number) or "—"

    @admin.display(description=_("手机号码"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone) or "—"

    @admin.display(description=_("家庭住址"))
    def masked_address(self, obj):
        return (obj.address[:3] + "****") if obj.address else "—"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if len(term) == 18 and idnumber.is_valid(term):
            return queryset.filter(id_hash=lookup_hash(term)), False
        return super().get_search_results(request, queryset, search_term)
