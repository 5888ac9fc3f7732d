from django.urls import path

from tremplin.hosting import views_funnel

app_name = "funnel"
urlpatterns = [
    path("<int:pk>/", views_funnel.funnel, name="funnel"),
    path("<int:pk>/<slug:table>.csv", views_funnel.funnel_csv, name="csv"),
]
