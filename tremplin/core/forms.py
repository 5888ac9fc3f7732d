from typing import TYPE_CHECKING, Any

from django import forms
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr

if TYPE_CHECKING:
    # What the mixin is mixed into, for the type checker; at runtime it stays a plain mixin.
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class DsfrFormMixin(_FormBase):
    """DSFR markup for any form (optional fields marked: settings.DSFR_MARK_OPTIONAL_FIELDS).

    Used instead of `dsfr.forms.DsfrBaseForm`, whose `get_context` warns on every render and
    which does not apply to ModelForms.
    """

    template_name = "core/forms/form.html"  # every error listed at the top, then the fields
    bound_field_class = DsfrBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)

    if TYPE_CHECKING:
        # Django's clean() returns cleaned_data; the stubs allow None for overrides that return
        # nothing, which none of ours does (each is annotated to return the dict).
        def clean(self) -> dict[str, Any]: ...


class BaseForm(DsfrFormMixin, forms.Form):
    pass


class BaseModelForm(DsfrFormMixin, forms.ModelForm):
    pass
