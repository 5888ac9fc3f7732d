from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from tremplin.core.admin import ModeratorAdmin
from tremplin.hosting.models import Housing, OfferSupport, Stay, TerritoryPage
from tremplin.hosting.services import housing_places_sync


@admin.register(TerritoryPage)
class TerritoryPageAdmin(ModeratorAdmin):
    list_display = ["organisation", "is_published", "is_demo", "updated_at"]
    list_filter = ["is_published", "is_demo"]


@admin.register(Housing)
class HousingAdmin(ModeratorAdmin):
    list_display = ["name", "organisation", "commune", "capacity", "is_free", "is_demo"]
    raw_id_fields = ["commune"]

    def get_readonly_fields(self, request: HttpRequest, obj: Housing | None = None) -> list[str]:
        # A capacity changes through the agents' form (services.housing_save), which moves or
        # refuses the nights booked on the places removed.
        return ["capacity"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Housing, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            housing_places_sync(housing=obj)


@admin.register(OfferSupport)
class OfferSupportAdmin(ModeratorAdmin):
    list_display = ["offer", "collectivity", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["offer", "housing"]


@admin.register(Stay)
class StayAdmin(ModeratorAdmin):
    list_display = ["collectivity", "start", "end", "cancelled_at"]
    raw_id_fields = ["offer"]
    exclude = ["professional"]
