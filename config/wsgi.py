import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# The URL configuration (the API's schemas among it) imported when the worker starts, not by
# its first request: about 280 ms a fresh worker's first visitor would otherwise wait.
get_resolver().url_patterns  # noqa: B018 (imported for its side effect)
