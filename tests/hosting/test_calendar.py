"""A housing's availability by month: one table per month, each day's state in words, names
for the collectivité's agents only, and a candidate choosing dates with it as help."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory
from tremplin.hosting import selectors, services
from tremplin.hosting.dates import month_add
from tremplin.hosting.models import Booking, HousingPeriod

pytestmark = pytest.mark.django_db

MONTHS = [
    "Janvier",
    "Février",
    "Mars",
    "Avril",
    "Mai",
    "Juin",
    "Juillet",
    "Août",
    "Septembre",
    "Octobre",
    "Novembre",
    "Décembre",
]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def cell(page: str, day: date) -> str:
    found = re.search(rf'data-testid="day-{day:%Y-%m-%d}">(.*?)</td>', page, re.S)
    assert found, f"no cell for {day}"
    return text(found[1])


@pytest.fixture
def next_month() -> date:
    return month_add(timezone.localdate(), 1)


@pytest.fixture
def housing(collectivity, commune, next_month):
    """Two places, open from the 5th to the 20th of next month (nights 5 to 19)."""
    housing = HousingFactory(
        organisation=collectivity, commune=commune, periods=False, name="Studio", capacity=2
    )
    HousingPeriod.objects.create(
        housing=housing, start=next_month.replace(day=5), end=next_month.replace(day=20)
    )
    return housing


def test_july_2027_starts_on_a_thursday_under_monday_first_headers(housing):
    [july] = selectors.housing_months(
        housing, first=date(2027, 7, 14), count=1, viewer=UserFactory(), agent=False
    )
    assert july.caption == "Juillet 2027"
    first_week = july.weeks[0]
    assert first_week[:3] == [None, None, None]
    assert first_week[3] is not None and first_week[3].day == date(2027, 7, 1)
    assert [c.day.day for c in july.weeks[-1] if c] == [26, 27, 28, 29, 30, 31]
    assert all(len(week) == 7 for week in july.weeks)


def test_the_page_shows_three_captioned_month_tables(client, housing, next_month):
    page = client.get(reverse("hosting:housing", args=[housing.pk])).text
    today = timezone.localdate()
    captions = re.findall(r"<caption>(.*?)</caption>", page)
    assert captions == [
        f"{MONTHS[m.month - 1]} {m.year} — Studio"
        for m in (month_add(today, 0), next_month, month_add(today, 2))
    ]
    headers = re.findall(r"<abbr title=\"[^\"]+\">([^<]+)</abbr>", page)
    assert headers[:7] == ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
    # The first day of next month sits under its weekday: as many empty cells before it.
    table = page[page.index(f"<caption>{MONTHS[next_month.month - 1]}") :]
    body = table.index("<tbody>")
    first_row = table[body : table.index("</tr>", body)]
    assert first_row.count("<td></td>") == next_month.weekday()


def test_each_day_says_its_state_in_words(client, collectivity, housing, next_month):
    guest = Booking.objects.create(
        housing=housing,
        professional=UserFactory(),
        start=next_month.replace(day=10),
        end=next_month.replace(day=12),
        places=2,
    )
    services.booking_accept(booking=guest, by=UserFactory())
    alone = Booking.objects.create(
        housing=housing,
        professional=UserFactory(),
        start=next_month.replace(day=13),
        end=next_month.replace(day=14),
    )
    services.booking_accept(booking=alone, by=UserFactory())
    Booking.objects.create(
        housing=housing,
        professional=UserFactory(),
        start=next_month.replace(day=15),
        end=next_month.replace(day=17),
    )
    page = client.get(
        reverse("hosting:housing", args=[housing.pk]) + f"?mois={next_month:%Y-%m}"
    ).text
    assert cell(page, next_month.replace(day=4)) == "4 fermé"
    assert cell(page, next_month.replace(day=5)) == "5 2 places libres sur 2"
    assert cell(page, next_month.replace(day=10)) == "10 complet"
    assert cell(page, next_month.replace(day=11)) == "11 complet"
    assert cell(page, next_month.replace(day=12)) == "12 2 places libres sur 2"
    # One of the two places taken: the other is said free, in words.
    assert cell(page, next_month.replace(day=13)) == "13 1 place libre sur 2"
    assert cell(page, next_month.replace(day=14)) == "14 2 places libres sur 2"
    assert cell(page, next_month.replace(day=20)) == "20 fermé"
    assert 'class="tremplin-day tremplin-day--full"' in page
    assert 'class="tremplin-day tremplin-day--closed"' in page
    # Someone else's pending request is nobody's business but the agent's.
    assert cell(page, next_month.replace(day=15)) == "15 2 places libres sur 2"


def test_one_place_is_said_in_the_singular(client, housing, next_month):
    housing.capacity = 1
    housing.save()
    page = client.get(
        reverse("hosting:housing", args=[housing.pk]) + f"?mois={next_month:%Y-%m}"
    ).text
    assert cell(page, next_month.replace(day=5)) == "5 1 place libre sur 1"


class TestPrivacy:
    @pytest.fixture
    def people(self, housing, next_month, agent):
        guest = UserFactory(first_name="Camille", last_name="Durand")
        booking = Booking.objects.create(
            housing=housing,
            professional=guest,
            start=next_month.replace(day=6),
            end=next_month.replace(day=8),
            places=2,
        )
        services.booking_accept(booking=booking, by=agent)
        asking = UserFactory(first_name="Hugo", last_name="Martin")
        Booking.objects.create(
            housing=housing,
            professional=asking,
            start=next_month.replace(day=15),
            end=next_month.replace(day=17),
        )
        return guest, asking

    def test_the_agent_sees_guests_and_pending_requests_by_name(
        self, client, housing, next_month, agent, people
    ):
        client.force_login(agent)
        page = client.get(
            reverse("hosting:housing", args=[housing.pk]) + f"?mois={next_month:%Y-%m}"
        ).text
        assert cell(page, next_month.replace(day=6)) == "6 complet Camille Durand"
        assert (
            cell(page, next_month.replace(day=15))
            == "15 2 places libres sur 2 demande en attente Hugo Martin"
        )
        assert 'class="tremplin-day tremplin-day--pending"' in page

    def test_a_candidate_sees_no_name_but_their_own_pending_request(
        self, client, housing, next_month, people
    ):
        _guest, asking = people
        for viewer in (None, UserFactory(professional=True), asking):
            client.logout()
            if viewer:
                client.force_login(viewer)
            page = client.get(
                reverse("hosting:housing", args=[housing.pk]) + f"?mois={next_month:%Y-%m}"
            ).text
            assert "Camille" not in page and "Durand" not in page
            assert "Hugo Martin" not in page
            assert cell(page, next_month.replace(day=6)) == "6 complet"
            expected = "15 2 places libres sur 2"
            if viewer == asking:
                expected += " votre demande en attente"
            assert cell(page, next_month.replace(day=15)) == expected


class TestChoosingDates:
    def post(self, client, housing, start: date, end: date):
        return client.post(
            reverse("hosting:booking_request", args=[housing.pk]),
            {"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"},
        )

    def test_an_end_before_the_start_is_refused_in_french_and_kept(
        self, client, housing, next_month
    ):
        candidate = UserFactory(professional=True)
        client.force_login(candidate)
        start, end = next_month.replace(day=12), next_month.replace(day=8)
        response = self.post(client, housing, start, end)
        assert response.status_code == 400
        assert "La date de départ doit suivre la date d’arrivée." in response.text
        assert f'value="{start:%Y-%m-%d}"' in response.text
        assert f'value="{end:%Y-%m-%d}"' in response.text
        assert not Booking.objects.exists()

    def test_dates_outside_the_opening_are_refused_and_the_calendar_opens_at_them(
        self, client, housing, next_month
    ):
        client.force_login(UserFactory(professional=True))
        start, end = next_month.replace(day=18), next_month.replace(day=24)
        response = self.post(client, housing, start, end)
        assert response.status_code == 400
        assert "Ces dates sortent des périodes où le logement est disponible" in response.text
        assert f'value="{start:%Y-%m-%d}"' in response.text
        assert f'value="{end:%Y-%m-%d}"' in response.text
        captions = re.findall(r"<caption>(.*?)</caption>", response.text)
        assert captions[0] == f"{MONTHS[next_month.month - 1]} {next_month.year} — Studio"
        assert not Booking.objects.exists()

    def test_dates_within_the_opening_send_the_request(self, client, housing, next_month):
        candidate = UserFactory(professional=True)
        client.force_login(candidate)
        start, end = next_month.replace(day=6), next_month.replace(day=9)
        response = self.post(client, housing, start, end)
        assert response.status_code == 302
        assert response["Location"] == housing.get_absolute_url()
        booking = Booking.objects.get()
        assert (booking.professional, booking.start, booking.end) == (candidate, start, end)

    def test_the_agent_gets_no_request_form(self, client, housing, agent):
        client.force_login(agent)
        page = client.get(reverse("hosting:housing", args=[housing.pk])).text
        assert reverse("hosting:booking_request", args=[housing.pk]) not in page
        assert "Ouvrir la période" in page


def test_a_month_out_of_range_or_malformed_falls_back_to_this_month(client, housing):
    today = timezone.localdate()
    expected = f"{MONTHS[today.month - 1]} {today.year} — Studio"
    for value in ("n-importe", "2027-13", "1990-01", "-"):
        page = client.get(reverse("hosting:housing", args=[housing.pk]) + f"?mois={value}")
        assert page.status_code == 200
        assert re.findall(r"<caption>(.*?)</caption>", page.text)[0] == expected


def test_the_housing_page_reads_a_fixed_number_of_queries(
    client, housing, next_month, agent, django_assert_max_num_queries
):
    for offset in range(5, 19, 3):
        Booking.objects.create(
            housing=housing,
            professional=UserFactory(),
            start=next_month.replace(day=offset),
            end=next_month.replace(day=offset + 2),
        )
    client.force_login(agent)
    url = reverse("hosting:housing", args=[housing.pk]) + f"?mois={next_month:%Y-%m}"
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
