from django.contrib import admin

from tremplin.identity.models import ProviderAccount


@admin.register(ProviderAccount)
class ProviderAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "created_at", "last_login_at"]
    list_filter = ["provider"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "provider", "subject", "created_at", "last_login_at"]
