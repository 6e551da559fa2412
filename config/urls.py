from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz, livez
from config.metrics import metrics_view
from regulator.pages import home

# Every domain app contributes <app>.api.urls under /api/v1/ and, where it has public pages,
# <app>.pages under /public/. Routing lives here, in config, so the kernel imports no app.
api_v1 = [path("", include(f"{app}.api.urls")) for app in settings.DOMAIN_APPS]
public_pages = [
    path("public/", include(f"{app}.pages")) for app in settings.DOMAIN_APPS if find_spec(f"{app}.pages")
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # readiness: database and broker
    path("livez", livez, name="livez"),  # liveness: the process answers
    path("metrics", metrics_view, name="metrics"),  # Prometheus, monitoring network only
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Split view: the init script is a file, not inline, so the CSP (script-src 'self') allows it.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", home, name="home"),
    *public_pages,
]
