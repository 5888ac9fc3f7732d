"""The commune field every form uses: a text input the autocomplete enhances (see
static/territories/commune-autocomplete.js), read back on the server by `commune_lookup` —
without JavaScript it is a text field like any other, validated the same way."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tremplin.territories.lookup import commune_lookup, commune_value, lookup_message
from tremplin.territories.models import Commune

# Several communes in one field: "Limoges, Tulle" (semicolons too).
SEPARATORS = re.compile(r"[,;]")


class CommuneInput(forms.TextInput):
    """A text input marked for the commune autocomplete; `multiple`: a list separated by
    commas, each part completed in turn."""

    template_name = "territories/widgets/commune_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, multiple: bool = False) -> None:
        # The page offers its own suggestions: the browser's would hide them.
        defaults = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})})
        self.multiple = multiple

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-commune-autocomplete"] = reverse("territories:commune_suggestions")
        # The script's words, translated here.
        widget_attrs["data-commune-list-label"] = _("Communes proposées")
        widget_attrs["data-commune-some"] = _(
            "%(count)s communes proposées : flèches haut et bas pour les parcourir, Entrée pour "
            "choisir."
        )
        widget_attrs["data-commune-none"] = _("Aucune commune proposée.")
        if self.multiple:
            widget_attrs["data-commune-separator"] = ","
        return context


class CommuneField(forms.CharField):
    """One commune, typed as people type it: a name (« Guéret », « St-Junien »), « Guéret (23) »,
    a postal code, an INSEE code or a former commune's. Cleans to the Commune, or None when
    empty and not required; otherwise a French error that proposes the closest communes.
    `area`: only these communes are accepted (a collectivité's territory). Whatever is typed
    is kept on error; a commune found is shown as « Guéret (23) »."""

    widget = CommuneInput

    def __init__(self, *, area: QuerySet[Commune] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)
        self.area = area
        # The communes the last clean() proposed (the form may show them as buttons).
        self.candidates: list[Commune] = []
        # What clean() found for each text typed, and how each commune found is shown.
        self._found: dict[str, Commune] = {}
        self._shown: dict[str, str] = {}

    def shown(self, commune: Commune) -> str:
        """How the field shows a commune (computed once: a page may render a field twice)."""
        if commune.insee not in self._shown:
            self._shown[commune.insee] = commune_value(commune)
        return self._shown[commune.insee]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Commune):
            return self.shown(value)
        if isinstance(value, str) and value.strip() in self._found:
            return self.shown(self._found[value.strip()])
        return value

    def clean(self, value: Any) -> Commune | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        commune = self.resolve(text)
        self._found[text] = commune
        return commune

    def resolve(self, text: str) -> Commune:
        lookup = commune_lookup(text, within=self.area)
        if lookup.found is not None:
            return lookup.found
        self.candidates = lookup.choices
        raise ValidationError(lookup_message(lookup), code="commune")


class CommuneListField(CommuneField):
    """Several communes separated by commas (« Limoges, Tulle »), at most `max_communes`, each
    read as `CommuneField` reads one; the old « 23096 23008 » (INSEE codes separated by spaces)
    is read too. Cleans to the list, without repeats."""

    def __init__(self, *, max_communes: int = 20, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("widget", CommuneInput(multiple=True))
        super().__init__(**kwargs)
        self.max_communes = max_communes

    @staticmethod
    def split(text: str) -> list[str]:
        parts = [part.strip() for part in SEPARATORS.split(text) if part.strip()]
        words = text.split()
        if len(parts) == 1 and len(words) > 1 and all(w.isdigit() and len(w) == 5 for w in words):
            return words
        return parts

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(self.shown(c) if isinstance(c, Commune) else str(c) for c in value)
        if isinstance(value, str) and value.strip():
            names = self.split(value)
            if all(name in self._found for name in names):
                return ", ".join(self.shown(self._found[name]) for name in names)
        return value

    def clean(self, value: Any) -> list[Commune]:  # type: ignore[override]
        text = (forms.CharField.clean(self, value) or "").strip()
        names = self.split(text)
        if len(names) > self.max_communes:
            raise ValidationError(
                _("%(max)s communes au plus, séparées par des virgules.")
                % {"max": self.max_communes},
                code="max_communes",
            )
        communes: dict[str, Commune] = {}
        errors: list[ValidationError] = []
        for name in names:
            try:
                commune = self.resolve(name)
            except ValidationError as error:
                errors.append(error)
                continue
            self._found[name] = commune
            communes.setdefault(commune.insee, commune)
        if errors:
            raise ValidationError(errors)
        return list(communes.values())
