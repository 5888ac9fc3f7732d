from django.apps import AppConfig


class IdentityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tremplin.identity"
    verbose_name = "Identité (Pro Santé Connect, ProConnect)"
