from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

admin.site.site_header = "Tremplin — administration"
admin.site.site_title = "Tremplin"
admin.site.index_title = "Modération"

urlpatterns = [
    path("", include("tremplin.core.urls")),
    path("compte/", include("tremplin.accounts.urls")),
    path("organisations/", include("tremplin.organisations.urls")),
    path("langue/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
