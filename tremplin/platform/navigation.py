"""What each person may open, by role: the header menu and the « Mon espace » page.

One module for every role, because a person may hold several (a professional who is also the
agent of a collectivité). Each role gives a section whose entries point to that person's own
pages only; what is counted comes from the owning apps' selectors (querysets), counted
together in one query, only for the roles the person holds.
"""

from dataclasses import dataclass, field, replace

from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tremplin.accounts.models import User
from tremplin.applications import selectors as applications
from tremplin.hosting import selectors as hosting
from tremplin.juniors.permissions import COORDINATION_TYPES
from tremplin.offers import selectors as offers
from tremplin.organisations import selectors as organisations
from tremplin.organisations.models import Organisation, OrganisationType


class Role:
    PROFESSIONAL = "professional"
    HEALTH = "health"
    COLLECTIVITY = "collectivity"
    MODERATOR = "moderator"


@dataclass(frozen=True)
class Entry:
    label: str
    url: str
    hint: str = ""
    # Something waiting for the person (unread, to decide, to moderate); 0 shows nothing.
    count: int = 0
    count_label: str = ""
    # The view names this entry stands for, to mark the current page in the menu.
    view_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    role: str
    title: str
    entries: list[Entry]
    organisations: list[Organisation] = field(default_factory=list)
    # The view of the page being shown, to mark the section and its entry as current.
    current_view: str = ""

    @property
    def count(self) -> int:
        return sum(entry.count for entry in self.entries)

    @property
    def is_current(self) -> bool:
        return any(self.current_view in entry.view_names for entry in self.entries)

    @property
    def current_entry(self) -> Entry | None:
        return next((e for e in self.entries if self.current_view in e.view_names), None)


def _unread(count: int) -> str:
    return ngettext("%(count)d non lue", "%(count)d non lues", count) % {"count": count}


def _waiting(count: int) -> str:
    return ngettext("%(count)d en attente", "%(count)d en attente", count) % {"count": count}


def _professional_section(counts: dict[str, int]) -> Section:
    unread = counts.get("candidate_unread", 0)
    return Section(
        role=Role.PROFESSIONAL,
        title=_("Mes démarches"),
        entries=[
            Entry(
                _("Mes candidatures"),
                reverse("applications:mine"),
                hint=_("Les annonces auxquelles vous avez répondu et vos échanges."),
                count=unread,
                count_label=ngettext(
                    "%(count)d réponse non lue", "%(count)d réponses non lues", unread
                )
                % {"count": unread},
                view_names=("applications:mine", "applications:detail"),
            ),
            Entry(
                _("Mes séjours découverte"),
                reverse("hosting:stays"),
                hint=_("Vos séjours prévus, leur logement, leurs activités."),
                view_names=("hosting:stays", "hosting:stay"),
            ),
            Entry(
                _("Terrains de stage"),
                reverse("juniors:terrains"),
                hint=_("Docteurs juniors : les terrains, leurs semestres et leurs logements."),
                view_names=("juniors:terrains", "juniors:terrain"),
            ),
            Entry(
                _("Mes missions de solidarité"),
                reverse("missions:mine"),
                hint=_("Vos jours de mission en zone rouge, leur agenda, leur annulation."),
                view_names=("missions:mine",),
            ),
            Entry(
                _("Mes alertes"),
                reverse("syndication:alerts"),
                hint=_("Les recherches dont les nouvelles annonces vous sont envoyées."),
                view_names=("syndication:alerts",),
            ),
            Entry(
                _("Annonces sauvegardées"),
                reverse("applications:favourites"),
                hint=_("Les annonces mises de côté pour plus tard."),
                view_names=("applications:favourites",),
            ),
            Entry(
                _("Mon CV"),
                reverse("applications:profile_cv"),
                hint=_("Le CV joint par défaut à vos candidatures."),
                view_names=("applications:profile_cv",),
            ),
        ],
    )


def _health_section(members_of: list[Organisation], counts: dict[str, int]) -> Section:
    unread = counts.get("inbox_unread", 0)
    entries = [
        Entry(
            _("Candidatures reçues"),
            reverse("applications:inboxes"),
            hint=_("Les candidatures à vos annonces et vos échanges avec les candidats."),
            count=unread,
            count_label=_unread(unread),
            view_names=("applications:inboxes", "applications:inbox"),
        ),
        Entry(
            _("Mes annonces"),
            reverse("offers:mine"),
            hint=_("Brouillons, annonces en ligne et clôturées, avec leurs statistiques."),
            view_names=("offers:mine", "offers:edit"),
        ),
        Entry(
            _("Publier une annonce"),
            reverse("offers:create"),
            hint=_("L’éditeur guidé, enregistré à chaque étape."),
            view_names=("offers:create",),
        ),
    ]
    entries += [
        Entry(
            organisation.name,
            reverse("organisations:detail", kwargs={"pk": organisation.pk}),
            hint=_("Membres, invitations et vérification de la structure."),
        )
        for organisation in members_of
    ]
    several = len(members_of) > 1
    entries += [
        Entry(
            _("Terrains de stage") + (f" — {organisation.name}" if several else ""),
            reverse("juniors:manage", kwargs={"pk": organisation.pk}),
            hint=_("Vos terrains pour les docteurs juniors : maîtres de stage, semestres."),
            view_names=("juniors:manage", "juniors:create", "juniors:edit"),
        )
        for organisation in members_of
    ]
    entries += [
        Entry(
            _("Missions de solidarité") + (f" — {organisation.name}" if several else ""),
            reverse("missions:sites", kwargs={"pk": organisation.pk}),
            hint=_("Vos lieux d’accueil en zone rouge, leurs créneaux et leur calendrier."),
            view_names=("missions:sites", "missions:site_calendar"),
        )
        for organisation in members_of
    ]
    entries += [
        Entry(
            _("Résultats") + (f" — {organisation.name}" if several else ""),
            reverse("funnel:funnel", kwargs={"pk": organisation.pk}),
            hint=_("De la vue à l’installation : vues, candidatures, séjours, installations."),
            view_names=("funnel:funnel",),
        )
        for organisation in members_of
    ]
    title = _("Ma structure") if len(members_of) == 1 else _("Mes structures")
    return Section(role=Role.HEALTH, title=title, entries=entries, organisations=members_of)


def _collectivity_section(agent_of: list[Organisation], counts: dict[str, int]) -> Section:
    several = len(agent_of) > 1
    entries: list[Entry] = []
    for organisation in agent_of:
        manage = reverse("hosting:manage", kwargs={"pk": organisation.pk})
        waiting = counts.get(f"bookings_{organisation.pk}", 0)
        # With several collectivités, each entry says which one it is about.
        suffix = f" — {organisation.name}" if several else ""
        entries += [
            Entry(
                _("Gérer l’accueil") + suffix,
                manage,
                hint=_("Page du territoire, aides locales, activités et annonces soutenues."),
                view_names=("hosting:manage", "hosting:page_edit"),
            ),
            Entry(
                _("Logements") + suffix,
                f"{manage}#logements",
                hint=_("Les logements proposés et leurs périodes de réservation."),
                view_names=("hosting:housing", "hosting:housing_edit", "hosting:housing_create"),
            ),
            Entry(
                _("Réservations") + suffix,
                f"{manage}#reservations",
                hint=_("Les demandes de séjour dans vos logements, à accepter ou refuser."),
                count=waiting,
                count_label=_waiting(waiting),
            ),
            Entry(
                _("Entonnoir") + suffix,
                reverse("funnel:funnel", kwargs={"pk": organisation.pk}),
                hint=_("De la vue à l’installation, sur votre territoire : à montrer aux élus."),
                view_names=("funnel:funnel",),
            ),
            *_mission_entries(organisation, suffix),
            Entry(
                _("Agents de la collectivité") + suffix,
                reverse("organisations:detail", kwargs={"pk": organisation.pk}),
                hint=_("Les membres, les invitations et la vérification de la collectivité."),
            ),
        ]
        if organisation.type in COORDINATION_TYPES:
            entries.append(
                Entry(
                    _("Coordination des terrains de stage") + suffix,
                    reverse("juniors:coordination", kwargs={"pk": organisation.pk}),
                    hint=_("Par département : terrains, places, logements, intérêts ; CSV."),
                    view_names=("juniors:coordination",),
                )
            )
        else:
            entries.append(
                Entry(
                    _("Loger un docteur junior") + suffix,
                    reverse("juniors:terrains"),
                    hint=_("Proposer un logement à un terrain de stage pour un semestre."),
                )
            )
    title = _("Mon territoire") if not several else _("Mes territoires")
    return Section(role=Role.COLLECTIVITY, title=title, entries=entries, organisations=agent_of)


def _mission_entries(organisation: Organisation, suffix: str) -> list[Entry]:
    """A partner (ARS, Conseil de l’Ordre) verifies RPPS numbers, an ARS reads the missions'
    monthly report; other collectivités may host missions (rooms lent by a commune)."""
    if organisation.type in (OrganisationType.ARS, OrganisationType.ORDRE):
        entries = [
            Entry(
                _("Vérifier un RPPS") + suffix,
                reverse("missions:partner", kwargs={"pk": organisation.pk}),
                hint=_("Attester le numéro RPPS d’un médecin volontaire des missions."),
                view_names=("missions:partner",),
            )
        ]
        if organisation.type == OrganisationType.ARS:
            entries.append(
                Entry(
                    _("Rapport des missions") + suffix,
                    reverse("missions:report", kwargs={"pk": organisation.pk}),
                    hint=_("Par lieu et par zone rouge : jours proposés, réservés, tenus."),
                    view_names=("missions:report",),
                )
            )
        return entries
    return [
        Entry(
            _("Missions de solidarité") + suffix,
            reverse("missions:sites", kwargs={"pk": organisation.pk}),
            hint=_("Vos lieux d’accueil en zone rouge, leurs créneaux et leur calendrier."),
            view_names=("missions:sites", "missions:site_calendar"),
        )
    ]


def _moderator_section(counts: dict[str, int]) -> Section:
    pending_organisations = counts.get("organisations_pending", 0)
    pending_offers = counts.get("offers_submitted", 0)
    reported = counts.get("applications_reported", 0)
    return Section(
        role=Role.MODERATOR,
        title=_("Modération"),
        entries=[
            Entry(
                _("Organisations à vérifier"),
                reverse("organisations:moderation"),
                hint=_("Les structures et collectivités qui attendent leur vérification."),
                count=pending_organisations,
                count_label=_waiting(pending_organisations),
                view_names=("organisations:moderation",),
            ),
            Entry(
                _("Annonces à relire"),
                reverse("offers:moderation"),
                hint=_("Les annonces soumises, à publier ou refuser avec un motif."),
                count=pending_offers,
                count_label=_waiting(pending_offers),
                view_names=("offers:moderation",),
            ),
            Entry(
                _("Signalements"),
                reverse("applications:reported"),
                hint=_("Les échanges qu’une des parties a signalés."),
                count=reported,
                count_label=ngettext("%(count)d signalement", "%(count)d signalements", reported)
                % {"count": reported},
                view_names=("applications:reported",),
            ),
            Entry(
                _("Zones rouges"),
                reverse("missions:zones"),
                hint=_("La liste des intercommunalités classées, importée d’un fichier."),
                view_names=("missions:zones",),
            ),
            Entry(
                _("Diffusion"),
                reverse("syndication:partners"),
                hint=_("Les plateformes partenaires et leurs envois."),
                view_names=("syndication:partners", "syndication:partner"),
            ),
        ],
    )


def _count(queryset: QuerySet) -> Subquery:
    # COUNT as a plain function, not an aggregate: no GROUP BY, so always one row (0 if none).
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def _as_count(value: object) -> int:
    return value if isinstance(value, int) else 0


def _personal_counts(user: User) -> dict[str, int]:
    """The counts that depend on the person, not on an organisation, in one query on their
    own row (which exists); no query when they hold neither role."""
    querysets: dict[str, QuerySet] = {}
    if user.is_professional:
        querysets["candidate_unread"] = applications.unread_by_candidate(user)
    if user.is_moderator:
        querysets["organisations_pending"] = organisations.organisations_to_moderate()
        querysets["offers_submitted"] = offers.offers_to_moderate()
        querysets["applications_reported"] = applications.reported_applications()
    if not querysets:
        return {}
    values = {key: _count(queryset) for key, queryset in querysets.items()}
    row = User.objects.filter(pk=user.pk).values(**values).first() or {}
    return {key: _as_count(row.get(key)) for key in querysets}


def user_space(*, user: User, current_view: str = "") -> list[Section]:
    """The sections of the roles `user` holds, in a fixed order; none for a visitor.
    `current_view` (the view name of the page shown) marks the current section and entry.

    At most two queries whatever the roles: the memberships with what waits for each
    organisation, then the professional's and the moderator's counts together."""
    if not user.is_authenticated:
        return []
    memberships = organisations.memberships_of(
        user=user,
        annotations={
            "inbox_unread": _count(
                applications.unread_by_organisation().filter(
                    offer__organisation=OuterRef("organisation")
                )
            ),
            "bookings_requested": _count(
                hosting.bookings_requested().filter(housing__organisation=OuterRef("organisation"))
            ),
        },
    )
    health = [m for m in memberships if m.organisation.is_health]
    collectivities = [m for m in memberships if m.organisation.is_collectivity]
    counts = _personal_counts(user)
    counts["inbox_unread"] = sum(_as_count(getattr(m, "inbox_unread", 0)) for m in health)
    for membership in collectivities:
        key = f"bookings_{membership.organisation_id}"
        counts[key] = _as_count(getattr(membership, "bookings_requested", 0))

    sections = []
    if user.is_professional:
        sections.append(_professional_section(counts))
    if health:
        sections.append(_health_section([m.organisation for m in health], counts))
    if collectivities:
        sections.append(_collectivity_section([m.organisation for m in collectivities], counts))
    if user.is_moderator:
        sections.append(_moderator_section(counts))
    return [replace(section, current_view=current_view) for section in sections]
