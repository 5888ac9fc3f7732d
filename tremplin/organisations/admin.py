from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.accounts.permissions import is_moderator
from tremplin.core.admin import ModeratorAdmin
from tremplin.organisations import services
from tremplin.organisations.models import Invitation, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]

    def has_view_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return is_moderator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return is_moderator(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return is_moderator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return is_moderator(request.user)


@admin.register(Organisation)
class OrganisationAdmin(ModeratorAdmin):
    list_display = ["name", "category", "type", "status", "created_at"]
    list_filter = ["status", "category", "type"]
    search_fields = ["name", "siret", "territory_code", "city"]
    readonly_fields = ["reviewed_at", "reviewed_by", "created_at"]
    inlines = [MembershipInline]
    actions = ["verify"]

    @admin.action(description=_("Vérifier les organisations sélectionnées"))
    def verify(self, request: AuthenticatedHttpRequest, queryset: QuerySet[Organisation]) -> None:
        count = 0
        for organisation in queryset.exclude(status="verified"):
            services.organisation_verify(organisation=organisation, by=request.user)
            count += 1
        self.message_user(
            request,
            _("%(count)d organisation(s) vérifiée(s).") % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Invitation)
class InvitationAdmin(ModeratorAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    search_fields = ["email", "organisation__name"]
    raw_id_fields = ["organisation", "invited_by"]
