from django.contrib import admin

from tremplin.core.admin import ModeratorAdmin
from tremplin.hosting.models import Housing, OfferSupport, Stay, TerritoryPage


@admin.register(TerritoryPage)
class TerritoryPageAdmin(ModeratorAdmin):
    list_display = ["organisation", "is_published", "is_demo", "updated_at"]
    list_filter = ["is_published", "is_demo"]


@admin.register(Housing)
class HousingAdmin(ModeratorAdmin):
    list_display = ["name", "organisation", "commune", "is_free", "is_demo"]
    raw_id_fields = ["commune"]


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
