import csv
import io
from datetime import date, timedelta

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.missions.factories import HostSiteFactory, MissionSlotFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory, EpciFactory
from tremplin.accounts import services as account_services
from tremplin.missions import selectors, services
from tremplin.missions.ics import mission_ics
from tremplin.missions.models import MissionBooking, RedZone, SlotPeriod
from tremplin.organisations.models import OrganisationType

pytestmark = pytest.mark.django_db


class TestVerification:
    def test_the_partner_finds_a_professional_by_rpps_and_verifies(self, client, ars, ars_agent):
        user = UserFactory(professional=True)
        user.professional_profile.rpps = "10003456786"
        user.professional_profile.save()
        client.force_login(ars_agent)
        url = reverse("missions:partner", kwargs={"pk": ars.pk})
        page = client.get(url, {"rpps": "1000 3456 786"})
        assert user.last_name in page.text
        client.post(url, {"profile": user.professional_profile.pk})
        profile = type(user.professional_profile).objects.get(pk=user.professional_profile.pk)
        assert profile.rpps_is_verified
        assert (profile.rpps_verified_by, profile.rpps_verified_by_organisation) == (ars_agent, ars)
        client.force_login(user)
        shown = " ".join(client.get(reverse("accounts:profile")).text.split())
        assert "RPPS vérifié par ARS Nouvelle-Aquitaine le" in shown

    def test_editing_the_rpps_clears_the_verification(self, doctor):
        profile = doctor.professional_profile
        account_services.professional_profile_save(
            user=doctor, profession=profile.profession, status=profile.status, rpps=profile.rpps
        )
        profile.refresh_from_db()
        assert profile.rpps_is_verified
        account_services.professional_profile_save(
            user=doctor, profession=profile.profession, status=profile.status, rpps="10000000003"
        )
        profile.refresh_from_db()
        assert not profile.rpps_is_verified and profile.rpps_verified_by is None

    def test_an_organisation_of_another_kind_cannot_verify(self, doctor):
        msp = OrganisationFactory(health=True, verified=True)
        with pytest.raises(PermissionDenied):
            services.rpps_verify(profile=doctor.professional_profile, partner=msp, by=UserFactory())

    def test_an_unverified_ars_cannot_verify(self, doctor):
        ars = OrganisationFactory(collectivity=True, type=OrganisationType.ARS, territory_code="")
        with pytest.raises(PermissionDenied):
            services.rpps_verify(profile=doctor.professional_profile, partner=ars, by=UserFactory())

    def test_the_partner_page_is_for_its_members_only(self, client, ars):
        client.force_login(MembershipFactory().user)
        assert client.get(reverse("missions:partner", kwargs={"pk": ars.pk})).status_code == 404


def _month_of(day: date) -> str:
    return f"{day:%Y-%m}"


class TestReport:
    def test_it_counts_days_offered_booked_and_held_per_site_and_zone(self, doctor, ars):
        day = timezone.localdate()
        site = HostSiteFactory(name="Cabinet A")
        other = HostSiteFactory(name="Cabinet B", commune=site.commune)
        # Site A: a day with two half days (one booked and held), a second day open.
        morning = MissionSlotFactory(site=site, date=day, period=SlotPeriod.MORNING)
        MissionSlotFactory(site=site, date=day, period=SlotPeriod.AFTERNOON)
        later = day + timedelta(days=1) if (day + timedelta(days=1)).month == day.month else day
        if later != day:
            MissionSlotFactory(site=site, date=later)
        MissionBooking.objects.create(slot=morning, doctor=doctor)
        services.slot_mark_held(slot=morning, by=UserFactory(), patients_seen=14)
        MissionSlotFactory(site=other, date=day)
        report = selectors.month_report(ars, year=day.year, month=day.month)
        rows = {row.label.split(" — ")[0]: row for row in report.sites}
        a, b = rows["Cabinet A"], rows["Cabinet B"]
        assert (a.offered, a.booked, a.held, a.patients) == (2 if later != day else 1, 1, 1, 14)
        assert (b.offered, b.booked, b.held) == (1, 0, 0)
        [zone] = report.zones
        assert (zone.offered, zone.booked, zone.held) == (a.offered + 1, 1, 1)

    def test_a_cancelled_booking_does_not_count_as_booked(self, doctor, ars):
        slot = MissionSlotFactory()
        MissionBooking.objects.create(slot=slot, doctor=doctor, cancelled_at=timezone.now())
        report = selectors.month_report(ars, year=slot.date.year, month=slot.date.month)
        assert (report.sites[0].offered, report.sites[0].booked) == (1, 0)

    def test_the_csv_has_a_bom_semicolons_and_the_figures(self, client, doctor, ars, ars_agent):
        slot = MissionSlotFactory()
        MissionBooking.objects.create(slot=slot, doctor=doctor)
        client.force_login(ars_agent)
        response = client.get(
            reverse("missions:report_csv", kwargs={"pk": ars.pk}), {"mois": _month_of(slot.date)}
        )
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
        assert rows[0][:4] == ["Niveau", "Lieu", "Zone (EPCI)", "Jours proposés"]
        assert rows[1][0] == "site" and rows[1][3:6] == ["1", "1", "0"]
        assert rows[2][0] == "zone" and rows[2][3:6] == ["1", "1", "0"]

    def test_the_report_is_for_an_ars_only(self, client):
        ordre = OrganisationFactory(
            collectivity=True, verified=True, type=OrganisationType.ORDRE, territory_code=""
        )
        client.force_login(MembershipFactory(organisation=ordre).user)
        assert client.get(reverse("missions:report", kwargs={"pk": ordre.pk})).status_code == 403


class TestHeldRemindersAndIcs:
    def test_a_slot_cannot_be_held_before_its_day_or_without_a_doctor(self, doctor):
        slot = MissionSlotFactory()
        with pytest.raises(ValidationError, match="à partir de son jour"):
            services.slot_mark_held(slot=slot, by=UserFactory())
        today_slot = MissionSlotFactory(date=timezone.localdate())
        with pytest.raises(ValidationError, match="Aucun médecin"):
            services.slot_mark_held(slot=today_slot, by=UserFactory())

    def test_reminders_leave_seven_days_and_one_day_before_once(self, doctor, mailoutbox):
        today = timezone.localdate()
        for days in (7, 1, 3):
            slot = MissionSlotFactory(date=today + timedelta(days=days))
            MissionBooking.objects.create(slot=slot, doctor=doctor)
        assert services.mission_reminders_send(today=today) == 2
        services.mission_reminders_send(today=today)
        subjects = sorted(m.subject for m in mailoutbox)
        assert subjects[0].startswith("Dans une semaine : votre mission de solidarité du ")
        assert subjects[1] == "Demain : votre mission de solidarité"
        assert len(mailoutbox) == 2

    def test_the_ics_is_a_timed_event_at_the_sites_address(self, client, doctor):
        slot = MissionSlotFactory(period=SlotPeriod.MORNING)
        booking = MissionBooking.objects.create(slot=slot, doctor=doctor)
        calendar = icalendar.Calendar.from_ical(mission_ics(booking))
        [event] = calendar.walk("VEVENT")
        assert event.decoded("DTSTART") == slot.starts_at
        assert event.decoded("DTEND") == slot.ends_at
        assert slot.site.commune.name in str(event["LOCATION"])
        client.force_login(UserFactory())
        url = reverse("missions:booking_ics", kwargs={"pk": booking.pk})
        assert client.get(url).status_code == 404
        client.force_login(doctor)
        assert client.get(url)["Content-Type"].startswith("text/calendar")


class TestApi:
    @pytest.fixture
    def slots(self):
        in_zone = MissionSlotFactory()
        outside_epci = EpciFactory(siren="200000172", name="CC Ailleurs")
        outside = MissionSlotFactory(
            site=HostSiteFactory(commune=CommuneFactory(epci=outside_epci)),
            date=in_zone.date + timedelta(days=2),
        )
        RedZone.objects.filter(epci=outside_epci).delete()
        return in_zone, outside

    def test_it_lists_open_slots_in_zones_rouges(self, client, slots):
        body = client.get("/api/v1/missions").json()
        assert [r["id"] for r in body["results"]] == [slots[0].pk]
        assert body["results"][0]["red_zone"] is True
        assert (body["count"], body["page"], body["pages"]) == (1, 1, 1)

    def test_zone_rouge_false_lists_the_others(self, client, slots):
        body = client.get("/api/v1/missions", {"zone_rouge": "false"}).json()
        assert [r["id"] for r in body["results"]] == [slots[1].pk]

    def test_filters_by_epci_departement_and_dates(self, client, slots, doctor):
        slot = slots[0]
        siren = slot.site.commune.epci_id
        assert client.get("/api/v1/missions", {"epci": siren}).json()["count"] == 1
        assert client.get("/api/v1/missions", {"epci": "200000172"}).json()["count"] == 0
        assert client.get("/api/v1/missions", {"departement": "23"}).json()["count"] == 1
        assert client.get("/api/v1/missions", {"departement": "87"}).json()["count"] == 0
        after = (slot.date + timedelta(days=1)).isoformat()
        assert client.get("/api/v1/missions", {"du": after}).json()["count"] == 0
        assert client.get("/api/v1/missions", {"au": slot.date.isoformat()}).json()["count"] == 1
        MissionBooking.objects.create(slot=slot, doctor=doctor)
        assert client.get("/api/v1/missions").json()["count"] == 0

    def test_a_malformed_date_is_a_422_in_french(self, client):
        response = client.get("/api/v1/missions", {"du": "demain"})
        assert response.status_code == 422
        assert "n’est pas une date au format AAAA-MM-JJ" in response.json()["detail"]
        assert client.get("/api/v1/missions", {"epci": "12"}).status_code == 422

    def test_an_inverted_period_is_a_400(self, client):
        response = client.get("/api/v1/missions", {"du": "2030-02-01", "au": "2030-01-01"})
        assert response.status_code == 400
        assert "au" in response.json()["detail"]

    def test_it_is_in_the_schema_with_an_example(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        operation = schema["paths"]["/api/v1/missions"]["get"]
        assert "422" in operation["responses"]
        assert operation["responses"]["200"]["content"]["application/json"]["example"]["results"]
