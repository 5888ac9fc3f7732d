from django.contrib import admin
from django.http import HttpRequest

from tremplin.core.admin import ModeratorAdmin
from tremplin.syndication.models import Alert, ApiToken, Delivery, DeliveryEvent, Partner


@admin.register(Partner)
class PartnerAdmin(ModeratorAdmin):
    list_display = ["name", "endpoint_url", "paused_at", "created_at"]
    search_fields = ["name", "endpoint_url"]


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(ModeratorAdmin):
    list_display = ["offer", "sequence", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["offer"]
    readonly_fields = ["offer", "sequence", "kind", "key", "payload", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(ModeratorAdmin):
    list_display = ["partner", "offer", "sequence", "status", "attempts", "last_attempt_at"]
    list_filter = ["status", "partner"]
    raw_id_fields = ["offer", "event"]
    readonly_fields = ["partner", "event", "offer", "sequence", "created_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(ModeratorAdmin):
    list_display = ["name", "organisation", "prefix", "created_at", "last_used_at", "revoked_at"]
    raw_id_fields = ["organisation", "created_by", "revoked_by"]
    exclude = ["token_hash"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a token is created by its organisation's admin, shown once


@admin.register(Alert)
class AlertAdmin(ModeratorAdmin):
    list_display = ["email", "label", "kind", "frequency", "confirmed_at", "unsubscribed_at"]
    list_filter = ["kind", "frequency"]
    search_fields = ["email"]
    raw_id_fields = ["user"]
    exclude = ["token"]
