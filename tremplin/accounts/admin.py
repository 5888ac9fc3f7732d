from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import ProfessionalProfile, User
from tremplin.accounts.permissions import is_moderator
from tremplin.core.admin import ModeratorAdmin


class ProfessionalProfileInline(admin.StackedInline):
    model = ProfessionalProfile
    fk_name = "user"
    extra = 0
    raw_id_fields = ["rpps_verified_by", "rpps_verified_by_organisation"]

    def has_view_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return is_moderator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return is_moderator(request.user)


@admin.register(User)
class UserAdmin(ModeratorAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "email_confirmed_at",
        "is_staff",
        "is_active",
    ]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [ProfessionalProfileInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name"]}),
        (_("Statut"), {"fields": ["is_active", "email_confirmed_at", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        # Only a superuser makes someone staff or superuser.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser"]
        return fields
