"""The site's addresses: language-prefixed public pages, language-free downloads, the admin."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from consent import views as consent_views
from core import health
from core import views as core_views
from core.manifests import views as manifest_views
from media_centre import calendars, sitemaps
from media_centre import views as media_views
from media_centre.views import verify

urlpatterns = [
    # Staff's second factor, in the admin's look, before the admin's catch-all.
    path("admin/second-factor/", include("core.second_factor.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("language/<str:code>/", core_views.switch_language, name="switch-language"),
    path("downloads/<int:pk>/<str:file_name>", media_views.download, name="download"),
    path(
        "downloads/<int:pk>/v<int:number>/<str:file_name>",
        media_views.download_version,
        name="download-version",
    ),
    # Signed manifests and the texts they hash, at addresses made of the manifest's hash.
    path("manifests/<str:sha256>.jws", verify.manifest_jws, name="manifest-jws"),
    path("manifests/<str:sha256>.json", verify.manifest_json, name="manifest-json"),
    path(
        "manifests/<str:sha256>/<str:language>.txt",
        verify.manifest_text,
        name="manifest-text",
    ),
    path("images/<path:name>", media_views.image, name="image"),
    # Consent: language-free, so that cached pages in every language post to one place.
    path("consent/", consent_views.choose, name="consent-choose"),
    path("consent/state.css", consent_views.state_css, name="consent-state"),
    path(".well-known/jwks.json", manifest_views.jwks, name="jwks"),
    path(".well-known/gpc.json", consent_views.gpc_json, name="gpc-json"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.sitemap, name="sitemap-section"),
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
    path("calendar/events.ics", calendars.event_calendar, name="event-calendar"),
]

urlpatterns += i18n_patterns(
    path("", include("consent.urls")),
    path("", include("media_centre.urls")),
    prefix_default_language=True,
)

# The 500 page shows the request's id for the visitor to quote (core.request_log).
handler500 = "core.request_log.server_error"
