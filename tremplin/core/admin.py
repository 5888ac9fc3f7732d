from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from tremplin.accounts.permissions import is_moderator


class ModeratorAdmin(admin.ModelAdmin):
    """Admin pages open to moderators (staff), without per-model permission bookkeeping."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_moderator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_moderator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser
