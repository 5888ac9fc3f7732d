"""Reads of the missions: the zones rouges, open slots, a doctor's days, a site's month and the
monthly report of the ARS."""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.missions.models import HostSite, MissionBooking, MissionSlot, RedZone
from tremplin.organisations.models import Organisation, OrganisationType
from tremplin.territories.models import Commune


def commune_is_red_zone(commune: Commune) -> bool:
    return commune.epci_id is not None and RedZone.objects.filter(epci_id=commune.epci_id).exists()


def red_zone_sirens() -> set[str]:
    return RedZone.objects.sirens()


def red_zones() -> QuerySet[RedZone]:
    return RedZone.objects.select_related("epci", "imported_by").order_by("epci__name")


def _active_booking() -> Exists:
    return Exists(MissionBooking.objects.active().filter(slot=OuterRef("pk")))


def open_slots(
    *,
    today: date | None = None,
    departement: str = "",
    epci: str = "",
    start: date | None = None,
    end: date | None = None,
    red_zone: bool | None = True,
) -> QuerySet[MissionSlot]:
    """Slots to come that no doctor holds, of verified organisations, in time order. With
    `red_zone=True` (the default, and the public list), only sites still in a zone rouge."""
    today = today or timezone.localdate()
    slots = (
        MissionSlot.objects.filter(date__gte=max(today, start) if start else today)
        .filter(site__organisation__status="verified")
        .exclude(_active_booking())
        .select_related(
            "site__organisation",
            "site__commune__departement",
            "site__commune__epci",
            "housing",
        )
        .order_by("date", "period", "pk")
    )
    in_zone = Q(site__commune__epci__in=RedZone.objects.values("epci_id"))
    if red_zone is True:
        slots = slots.filter(in_zone)
    elif red_zone is False:
        slots = slots.exclude(in_zone)
    if departement:
        slots = slots.filter(site__commune__departement_id=departement)
    if epci:
        slots = slots.filter(site__commune__epci_id=epci)
    if end:
        slots = slots.filter(date__lte=end)
    return slots


def doctor_days_in_month(doctor: User, *, year: int, month: int) -> set[date]:
    """The days of that month with at least one of the doctor's active bookings: what the
    monthly limit counts (a half day is a day given)."""
    return set(
        MissionBooking.objects.active()
        .filter(doctor=doctor, slot__date__year=year, slot__date__month=month)
        .values_list("slot__date", flat=True)
    )


def doctor_bookings(doctor: User) -> QuerySet[MissionBooking]:
    return (
        MissionBooking.objects.filter(doctor=doctor)
        .select_related("slot__site__commune", "slot__housing", "housing_booking")
        .order_by("-cancelled_at", "slot__date", "slot__period")
    )


def bookings_on(day: date) -> QuerySet[MissionBooking]:
    return (
        MissionBooking.objects.active()
        .filter(slot__date=day)
        .select_related("doctor", "slot__site__commune")
    )


def sites_of(organisation: Organisation) -> QuerySet[HostSite]:
    return HostSite.objects.filter(organisation=organisation).select_related("commune__epci")


def organisations_with_sites(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__user=user, mission_sites__isnull=False
    ).distinct()


@dataclass
class CalendarDay:
    day: date
    slots: list[MissionSlot] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        """Every slot of the day has a doctor."""
        return all(slot.doctor is not None for slot in self.slots)  # type: ignore[attr-defined]


@dataclass
class SiteMonth:
    year: int
    month: int
    days: list[CalendarDay]

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def covered_count(self) -> int:
        return sum(1 for day in self.days if day.covered)

    @property
    def gap_count(self) -> int:
        return sum(1 for day in self.days if not day.covered)


def site_month(site: HostSite, *, year: int, month: int) -> SiteMonth:
    """The days of the month with slots, each slot with its doctor (or None): covered days
    have a doctor on every slot, the others are gaps."""
    # The doctor's profile and who verified its RPPS: the site sees it, no query a booking.
    active = MissionBooking.objects.active().select_related(
        "doctor__professional_profile__rpps_verified_by_organisation"
    )
    slots = (
        site.slots.filter(date__year=year, date__month=month)
        .prefetch_related(Prefetch("bookings", queryset=active, to_attr="active_bookings"))
        .order_by("date", "period")
    )
    by_day: dict[date, CalendarDay] = {}
    for slot in slots:
        bookings = slot.active_bookings
        slot.doctor = bookings[0].doctor if bookings else None  # type: ignore[attr-defined]
        by_day.setdefault(slot.date, CalendarDay(day=slot.date)).slots.append(slot)
    return SiteMonth(year=year, month=month, days=list(by_day.values()))


# The monthly report ---------------------------------------------------------------------------


@dataclass
class ReportRow:
    label: str
    epci: str
    offered: int = 0
    booked: int = 0
    held: int = 0
    patients: int = 0


@dataclass
class MonthReport:
    year: int
    month: int
    sites: list[ReportRow]
    zones: list[ReportRow]

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)


def report_sites(partner: Organisation) -> QuerySet[HostSite]:
    """The sites an ARS reports on: those of its région when its territory code names one
    (a 2-digit INSEE region code), else every site."""
    sites = HostSite.objects.select_related("commune__epci", "organisation")
    code = partner.territory_code.strip()
    if partner.type == OrganisationType.ARS and len(code) == 2 and code.isdigit():
        sites = sites.filter(commune__region_id=code)
    return sites


def month_report(partner: Organisation, *, year: int, month: int) -> MonthReport:
    """Per site and per zone (EPCI) for one month: days offered (days with at least one
    slot), booked (days with at least one slot a doctor holds) and held (days with at least
    one slot the site recorded as held), with the patients seen. Counted on days, the unit of
    the mission (a day is paid, and at most two a month are given)."""
    last = date(year, month, calendar.monthrange(year, month)[1])
    sites = list(report_sites(partner))
    slots = (
        MissionSlot.objects.filter(site__in=sites, date__gte=date(year, month, 1), date__lte=last)
        .annotate(is_booked=_active_booking())
        .values("site_id", "date", "is_booked", "held_at", "patients_seen")
    )
    days: dict[int, dict[str, set[date]]] = defaultdict(lambda: defaultdict(set))
    patients: dict[int, int] = defaultdict(int)
    for slot in slots:
        per = days[slot["site_id"]]
        per["offered"].add(slot["date"])
        if slot["is_booked"]:
            per["booked"].add(slot["date"])
        if slot["held_at"] is not None:
            per["held"].add(slot["date"])
            patients[slot["site_id"]] += slot["patients_seen"] or 0
    site_rows: list[ReportRow] = []
    zones: dict[str, ReportRow] = {}
    for site in sorted(sites, key=lambda s: (s.name, s.pk)):
        epci = site.commune.epci
        epci_name = epci.name if epci else ""
        row = ReportRow(
            label=f"{site.name} — {site.organisation.name}",
            epci=epci_name,
            offered=len(days[site.pk]["offered"]),
            booked=len(days[site.pk]["booked"]),
            held=len(days[site.pk]["held"]),
            patients=patients[site.pk],
        )
        site_rows.append(row)
        zone = zones.setdefault(
            epci.siren if epci else "", ReportRow(label=epci_name or "—", epci=epci_name)
        )
        # A zone's day counts once per site: two sites open the same day are two days offered.
        zone.offered += row.offered
        zone.booked += row.booked
        zone.held += row.held
        zone.patients += row.patients
    zone_rows = sorted(zones.values(), key=lambda r: r.label)
    return MonthReport(year=year, month=month, sites=site_rows, zones=zone_rows)


REPORT_HEADERS = [
    "Niveau",
    "Lieu",
    "Zone (EPCI)",
    "Jours proposés",
    "Jours réservés",
    "Jours tenus",
    "Patients vus",
]


def month_report_rows(report: MonthReport) -> list[list[object]]:
    rows: list[list[object]] = []
    for level, items in (("site", report.sites), ("zone", report.zones)):
        for row in items:
            label = row.label if level == "site" else ""
            rows.append([level, label, row.epci, row.offered, row.booked, row.held, row.patients])
    return rows
