from django.urls import path

from tremplin.syndication import views, views_alerts, views_feeds, views_tokens

app_name = "syndication"
urlpatterns = [
    # Crawlers and feed readers
    path("sitemap.xml", views_feeds.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", views_feeds.sitemap_section, name="sitemap_section"),
    path("robots.txt", views_feeds.robots_txt, name="robots"),
    path("diffusion/annonces.rss", views_feeds.feed_rss, name="feed_rss"),
    path("diffusion/annonces.atom", views_feeds.feed_atom, name="feed_atom"),
    path("diffusion/annonces.json", views_feeds.feed_json, name="feed_json"),
    path("diffusion/annonces.xml", views_feeds.feed_jobs, name="feed_jobs"),
    # Partners (moderators) and where an offer went (its authors)
    path("diffusion/partenaires/", views.partner_list, name="partners"),
    path("diffusion/partenaires/nouveau/", views.partner_create, name="partner_create"),
    path("diffusion/partenaires/<int:pk>/", views.partner_detail, name="partner"),
    path("diffusion/partenaires/<int:pk>/modifier/", views.partner_edit, name="partner_edit"),
    path("diffusion/partenaires/<int:pk>/pause/", views.partner_pause, name="partner_pause"),
    path("diffusion/partenaires/<int:pk>/reprise/", views.partner_resume, name="partner_resume"),
    path("diffusion/partenaires/<int:pk>/renvoi/", views.partner_replay, name="partner_replay"),
    path("diffusion/annonces/<int:pk>/", views.offer_channels, name="offer_channels"),
    # API tokens of an organisation
    path("diffusion/organisations/<int:pk>/api/", views_tokens.token_list, name="tokens"),
    path(
        "diffusion/organisations/<int:pk>/api/<int:token_pk>/revoquer/",
        views_tokens.token_revoke,
        name="token_revoke",
    ),
    # Alerts
    path("alertes/", views_alerts.alert_list, name="alerts"),
    path("alertes/nouvelle/", views_alerts.alert_create, name="alert_create"),
    path("alertes/confirmer/<str:token>/", views_alerts.alert_confirm, name="alert_confirm"),
    path(
        "alertes/desabonnement/<str:token>/",
        views_alerts.alert_unsubscribe,
        name="alert_unsubscribe",
    ),
]
