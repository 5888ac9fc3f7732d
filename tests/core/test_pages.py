import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Pages anyone may open; every other page requires login (LoginRequiredMiddleware).
PUBLIC = {
    "core:home",
    "core:healthz",
    "core:health",  # /sante/: for a load balancer or a monitor, no personal data
    # The footer pages (tests/core/test_footer_pages.py).
    "core:legal_notice",
    "core:personal_data",
    "core:accessibility",
    "core:terms",
    "core:site_map",
    "accounts:signup",
    "accounts:login",
    "accounts:resend_confirmation",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    # The Pro Santé Connect / ProConnect login, before an account is settled (tests/identity).
    "identity:continue",
    "identity:link",
    "identity:logged_out",
    "set_language",
    "territories:index",
    "territories:search",
    "data-sources",  # /donnees/: where every figure comes from
    "offers:search",
    "matching:search",
    "hosting:index",
    "juniors:terrains",  # the public list of terrains de stage (tests/juniors)
    "missions:index",  # the open mission slots, public as the offers (tests/missions)
    # The maps' GeoJSON and the commune suggestions (tests/territories): public data.
    "territories:map_departements",
    "territories:commune_suggestions",
    # Feeds, sitemap and alerts are for anyone (tests/syndication).
    "syndication:sitemap",
    "syndication:robots",
    "syndication:feed_rss",
    "syndication:feed_atom",
    "syndication:feed_json",
    "syndication:feed_jobs",
    "syndication:alert_create",
}


def named_patterns(resolver: URLResolver = None, namespace: str = "") -> list[tuple[str, object]]:
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += named_patterns(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((namespace + pattern.name, pattern))
    return found


@pytest.mark.parametrize("name", ["core:home", "accounts:signup", "accounts:login"])
def test_public_pages_answer_in_dsfr(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert 'class="fr-header"' in response.text
    assert "dsfr.module.min.js" in response.text
    assert '<html lang="fr"' in response.text


def test_every_other_page_requires_login(client):
    checked = 0
    for name, pattern in named_patterns():
        if name in PUBLIC or name.startswith("api:") or pattern.pattern.converters:
            continue
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name
        checked += 1
    assert checked >= 5


def test_public_data_pages_are_open_to_anonymous_visitors(client):
    for url in [
        "/territoires/",
        "/territoires/recherche/?q=x",
        "/api/v1/communes?q=x",
        "/annonces/",
        "/api/v1/offers",
    ]:
        assert client.get(url).status_code == 200, url


def test_pages_forbid_inline_scripts(client):
    response = client.get(reverse("core:home"))

    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src
    assert "<script>" not in response.text
    assert "onclick=" not in response.text


def test_the_language_switch_offers_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert '<html lang="en"' in response.text


def test_it_speaks_french_whatever_the_browser_asks(client):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "en-US,en"})

    assert '<html lang="fr"' in response.text
    assert "Mot de passe oublié" in response.text


def test_the_english_switch_translates_the_pages(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("accounts:login"))

    assert '<html lang="en"' in response.text
    assert "Mot de passe oublié" not in response.text
    assert "Forgot" in response.text or "forgot" in response.text
