"""Django admin (/django-admin/): a maintenance back door for superusers, not the product's UI.

Writes made here bypass the services (their rules and their audit entries), so only superusers get in,
the audit log is read-only, and personal data stays masked. Everyday work goes through the pages.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

admin.site.site_header = _("党建通 维护后台")
admin.site.site_title = _("党建通 维护后台")
admin.site.index_title = _("仅供系统维护人员（超级用户）使用；日常工作请在平台页面中办理")


def _superusers_only(request) -> bool:
    user = request.user
    return user.is_active and user.is_superuser


# Staff status alone does not open the back door.
admin.site.has_permission = _superusers_only


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Append-only: it can be read and searched, never added to, changed or deleted here."""

    list_display = ("at", "actor_name", "action", "object_type", "object_repr", "org", "summary", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "summary", "object_id")
    date_hierarchy = "at"
    list_select_related = ("org",)
    raw_id_fields = ("actor", "org")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
