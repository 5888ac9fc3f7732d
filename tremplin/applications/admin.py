from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from tremplin.applications.models import Application, DocumentAccess
from tremplin.core.admin import ModeratorAdmin


@admin.register(Application)
class ApplicationAdmin(ModeratorAdmin):
    """Moderators see who applied where and when, not what was written (they read a thread only
    once it is reported, on the site, where the access is checked)."""

    list_display = ["pk", "offer", "status", "created_at", "reported_at", "anonymised_at"]
    list_filter = ["status"]
    fields = ("offer", "status", "created_at", "reported_at", "anonymised_at")
    readonly_fields = fields
    list_select_related = ["offer"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(DocumentAccess)
class DocumentAccessAdmin(ModeratorAdmin):
    list_display = ["accessed_at", "user_email", "document_name", "application"]
    readonly_fields = ("accessed_at", "user_email", "document_name", "application", "document")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
