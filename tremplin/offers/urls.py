from django.urls import path

from tremplin.offers import views, views_search

app_name = "offers"
urlpatterns = [
    path("", views_search.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("mes-annonces/", views.my_offers, name="mine"),
    path("nouvelle/", views.create, name="create"),
    path("<int:pk>/modifier/<slug:step>/", views.edit, name="edit"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_pk>/retirer/", views.photo_delete, name="photo_delete"),
    path("<int:pk>/soumettre/", views.submit, name="submit"),
    path("<int:pk>/dupliquer/", views.duplicate, name="duplicate"),
    path("<int:pk>/cloturer/", views.close, name="close"),
    path("<int:pk>/prolonger/", views.renew, name="renew"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/", views.moderation_decide, name="moderation_decide"),
]
