import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tremplin.hosting import services
from tremplin.hosting.models import Stay

pytestmark = pytest.mark.django_db


def plan(collectivity, first_name: str, start: int, end: int) -> Stay:
    today = timezone.localdate()
    return services.stay_plan(
        professional=UserFactory(professional=True, first_name=first_name),
        collectivity=collectivity,
        start=today + timedelta(days=start),
        end=today + timedelta(days=end),
        peers_visible=True,
    )


def test_each_peers_message_box_has_its_own_id_and_label(client, collectivity):
    """With two peers, the second box used to share the first's id: its label named the first
    peer's box and the second had no accessible name."""
    me = plan(collectivity, "Léa", 5, 12)
    plan(collectivity, "Inès", 2, 9)
    plan(collectivity, "Hugo", 8, 15)
    client.force_login(me.professional)

    html = client.get(reverse("hosting:stay", kwargs={"pk": me.pk})).content.decode()

    ids = re.findall(r'<textarea name="body"[^>]* id="([^"]+)"', html)
    assert len(ids) == 2 and len(set(ids)) == 2
    for box in ids:
        assert html.count(f'for="{box}"') == 1
