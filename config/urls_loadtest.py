"""config.urls plus /bench/constant: the cheapest Django answer (no database, no template),
through the same middleware stack as every other view. Load test only (settings_loadtest)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as _base


def constant(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/constant", constant, name="bench-constant"), *_base]
