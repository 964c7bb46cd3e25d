"""Organizations in the maintenance back door (see core/admin.py). The tree is changed on the pages:
a change of parent here would not move the subtree's paths, so parent and path are read-only."""

from django.contrib import admin

from .models import LeadershipPosition, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "domain", "parent", "established_on", "dissolved_on")
    list_filter = ("kind", "domain", "is_grassroots")
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    readonly_fields = ("parent", "path", "depth")
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LeadershipPosition)
class LeadershipPositionAdmin(admin.ModelAdmin):
    list_display = ("org", "post", "person_name", "started_on", "ended_on")
    list_filter = ("post",)
    search_fields = ("person_name", "org__name", "org__code")
    list_select_related = ("org",)
    raw_id_fields = ("org", "member")
    show_full_result_count = False
