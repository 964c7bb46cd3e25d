"""The inbox and its sending log in the maintenance back door: read-only, for looking into a failed delivery."""

from django.contrib import admin

from .models import Delivery, Notification


class ReadOnly(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ("created_at", "recipient", "level", "category", "title", "read_at")
    list_filter = ("level", "category")
    search_fields = ("title", "dedup_key", "recipient__username")
    list_select_related = ("recipient",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("notification", "channel", "state", "attempts", "at", "error")
    list_filter = ("channel", "state")
    list_select_related = ("notification",)
