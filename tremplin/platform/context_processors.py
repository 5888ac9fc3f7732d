from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tremplin.platform.navigation import user_space


def navigation(request: HttpRequest) -> dict:
    """The role sections of the header menu, computed only when a template reads them (a
    page may also pass its own `nav_sections`, computed once for its body and the header)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    return {"nav_sections": SimpleLazyObject(lambda: user_space(user=user, current_view=view_name))}
