from django.urls import path

from tremplin.offers import views

app_name = "offers"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
]
