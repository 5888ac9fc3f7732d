from typing import Any

from django import forms
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr


class DsfrFormMixin:
    """DSFR markup for any form (optional fields marked: settings.DSFR_MARK_OPTIONAL_FIELDS).

    Used instead of `dsfr.forms.DsfrBaseForm`, whose `get_context` warns on every render and
    which does not apply to ModelForms.
    """

    template_name = "dsfr/form_snippet.html"
    bound_field_class = DsfrBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)


class BaseForm(DsfrFormMixin, forms.Form):
    pass


class BaseModelForm(DsfrFormMixin, forms.ModelForm):
    pass
