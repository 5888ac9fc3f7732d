from django.contrib import admin

from tremplin.applications.models import Application, DocumentAccess
from tremplin.core.admin import ModeratorAdmin


@admin.register(Application)
class ApplicationAdmin(ModeratorAdmin):
    """Moderators see who applied where and when, not what was written (they read a thread only
    once it is reported, on the site, where the access is checked)."""

    list_display = ["pk", "offer", "status", "created_at", "reported_at", "anonymised_at"]
    list_filter = ["status"]
    fields = ["offer", "status", "created_at", "reported_at", "anonymised_at"]
    readonly_fields = fields
    list_select_related = ["offer"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(DocumentAccess)
class DocumentAccessAdmin(ModeratorAdmin):
    list_display = ["accessed_at", "user_email", "document_name", "application"]
    readonly_fields = ["accessed_at", "user_email", "document_name", "application", "document"]
    fields = readonly_fields

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
