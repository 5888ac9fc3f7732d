from django.contrib import admin

from tremplin.core.admin import ModeratorAdmin
from tremplin.missions.models import HostSite, MissionSlot, RedZone


@admin.register(RedZone)
class RedZoneAdmin(ModeratorAdmin):
    list_display = ["epci", "arrete_on", "imported_at"]
    raw_id_fields = ["epci"]
    exclude = ["imported_by"]


@admin.register(HostSite)
class HostSiteAdmin(ModeratorAdmin):
    list_display = ["name", "organisation", "commune", "is_demo"]
    raw_id_fields = ["commune", "organisation"]


@admin.register(MissionSlot)
class MissionSlotAdmin(ModeratorAdmin):
    list_display = ["site", "date", "period", "held_at"]
    raw_id_fields = ["site", "housing"]
