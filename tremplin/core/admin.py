from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest


def is_moderator(user: object) -> bool:
    """`User.is_moderator`, read without importing accounts (which sits above core)."""
    return bool(getattr(user, "is_moderator", False))


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
