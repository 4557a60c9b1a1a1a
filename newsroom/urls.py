"""The site's addresses: language-prefixed public pages, language-free downloads, the admin."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from media_centre import views as media_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("language/<str:code>/", media_views.switch_language, name="switch-language"),
    path("downloads/<int:pk>/<str:file_name>", media_views.download, name="download"),
]

urlpatterns += i18n_patterns(
    path("", include("media_centre.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
