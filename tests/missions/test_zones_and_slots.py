import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory
from tests.missions.factories import HostSiteFactory
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory, EpciFactory
from tremplin.missions import services
from tremplin.missions.models import MissionSlot, RedZone, SlotPeriod

pytestmark = pytest.mark.django_db
ARRETE = timezone.localdate().replace(year=2025, month=9, day=1)


@pytest.fixture
def epcis():
    return [
        EpciFactory(siren="200067080", name="CC Creuse Grand Sud"),
        EpciFactory(siren="200034825", name="CC Marche et Combraille en Aquitaine"),
    ]


class TestImport:
    def test_the_command_replaces_the_list(self, epcis, tmp_path):
        RedZone.objects.create(epci=epcis[1], arrete_on=ARRETE)
        path = tmp_path / "zones.csv"
        path.write_text("siren\n200067080\n", encoding="utf-8")
        out = StringIO()
        call_command("import_zones_rouges", str(path), "--arrete", "2025-09-01", stdout=out)
        assert list(RedZone.objects.values_list("epci_id", "arrete_on")) == [("200067080", ARRETE)]
        assert "1 EPCI" in out.getvalue()

    def test_an_unknown_siren_refuses_the_whole_file_naming_the_line(self, epcis, tmp_path):
        RedZone.objects.create(epci=epcis[1], arrete_on=ARRETE)
        path = tmp_path / "zones.csv"
        path.write_text("siren\n200067080\n200034825\n200099999\n", encoding="utf-8")
        with pytest.raises(CommandError, match="Ligne 4 : SIREN 200099999 inconnu"):
            call_command("import_zones_rouges", str(path), "--arrete", "2025-09-01")
        assert list(RedZone.objects.values_list("epci_id", flat=True)) == ["200034825"]

    def test_a_malformed_line_is_named(self, epcis):
        with pytest.raises(ValidationError, match="Ligne 2 : « 2000 67 » n’est pas un SIREN"):
            services.red_zones_import(
                content="200067080\n2000 67\n",
                arrete_on=ARRETE,
                by=None,
            )

    def test_a_malformed_arrete_date_is_refused(self, epcis, tmp_path):
        path = tmp_path / "zones.csv"
        path.write_text("200067080\n", encoding="utf-8")
        with pytest.raises(CommandError, match="AAAA-MM-JJ"):
            call_command("import_zones_rouges", str(path), "--arrete", "01/09/2025")
        assert not RedZone.objects.exists()

    def test_the_moderator_page_imports_an_uploaded_file(self, client, epcis):
        from django.core.files.uploadedfile import SimpleUploadedFile

        moderator = UserFactory(moderator=True)
        client.force_login(moderator)
        upload = SimpleUploadedFile("zones.csv", "\ufeffsiren;nom\n200034825;CC\n".encode())
        response = client.post(
            reverse("missions:zones"), {"file": upload, "arrete": "2025-09-01"}, follow=True
        )
        assert "1 intercommunalités" in response.text
        zone = RedZone.objects.get()
        assert (zone.epci_id, zone.imported_by) == ("200034825", moderator)

    def test_the_page_shows_the_refused_line(self, client, epcis):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(UserFactory(moderator=True))
        upload = SimpleUploadedFile("zones.csv", b"200034825\n123456789\n")
        response = client.post(reverse("missions:zones"), {"file": upload, "arrete": "2025-09-01"})
        assert response.status_code == 400
        assert "Ligne 2 : SIREN 123456789 inconnu" in response.text
        assert not RedZone.objects.exists()

    def test_the_page_is_for_moderators_only(self, client):
        client.force_login(UserFactory())
        assert client.get(reverse("missions:zones")).status_code == 403
        with pytest.raises(PermissionDenied):
            services.red_zones_import(content="1", arrete_on=ARRETE, by=UserFactory())


class TestSlots:
    def test_a_site_in_a_zone_rouge_publishes_a_slot(self):
        site = HostSiteFactory()
        day = timezone.localdate() + timedelta(days=3)
        slot = services.slot_publish(
            site=site, day=day, period=SlotPeriod.MORNING, by=UserFactory(), secretariat=True
        )
        assert (slot.date, slot.period, slot.secretariat) == (day, "matin", True)

    def test_a_slot_outside_a_zone_rouge_is_refused(self):
        site = HostSiteFactory(commune=CommuneFactory(name="Guéret"))
        with pytest.raises(ValidationError, match="Guéret n’est pas dans une zone rouge"):
            services.slot_publish(
                site=site,
                day=timezone.localdate() + timedelta(days=3),
                period=SlotPeriod.DAY,
                by=UserFactory(),
            )
        assert not MissionSlot.objects.exists()

    def test_a_slot_in_the_past_is_refused(self):
        with pytest.raises(ValidationError, match="Cette date est passée"):
            services.slot_publish(
                site=HostSiteFactory(),
                day=timezone.localdate() - timedelta(days=1),
                period=SlotPeriod.DAY,
                by=UserFactory(),
            )

    def test_an_unverified_organisation_cannot_publish(self):
        site = HostSiteFactory(organisation__verified=False)
        with pytest.raises(PermissionDenied):
            services.slot_publish(
                site=site,
                day=timezone.localdate() + timedelta(days=3),
                period=SlotPeriod.DAY,
                by=UserFactory(),
            )

    def test_a_full_day_overlapping_a_morning_is_refused(self):
        site = HostSiteFactory()
        day = timezone.localdate() + timedelta(days=3)
        services.slot_publish(site=site, day=day, period=SlotPeriod.MORNING, by=UserFactory())
        with pytest.raises(ValidationError, match="déjà proposé"):
            services.slot_publish(site=site, day=day, period=SlotPeriod.DAY, by=UserFactory())
        services.slot_publish(site=site, day=day, period=SlotPeriod.AFTERNOON, by=UserFactory())

    def test_the_housing_of_another_organisation_is_refused(self):
        with pytest.raises(ValidationError, match="n’appartient pas"):
            services.slot_publish(
                site=HostSiteFactory(),
                day=timezone.localdate() + timedelta(days=3),
                period=SlotPeriod.DAY,
                by=UserFactory(),
                housing=HousingFactory(),
            )

    def test_the_calendar_page_publishes_and_says_covered_days_and_gaps_in_words(self, client):
        site = HostSiteFactory()
        member = MembershipFactory(organisation=site.organisation).user
        client.force_login(member)
        day = timezone.localdate() + timedelta(days=3)
        url = reverse("missions:site_calendar", kwargs={"pk": site.pk})
        response = client.post(url, {"day": day.isoformat(), "period": "journee"}, follow=True)
        text = " ".join(response.text.split())
        assert re.search(r"0 jours? couverts? — 1 jour à pourvoir", text)
        assert "à pourvoir" in response.text

    def test_another_organisations_member_gets_a_404(self, client):
        site = HostSiteFactory()
        client.force_login(MembershipFactory().user)
        url = reverse("missions:site_calendar", kwargs={"pk": site.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"day": "2030-01-01", "period": "journee"}).status_code == 404
        assert not MissionSlot.objects.exists()
