from django.urls import path, register_converter
from django.views.generic import RedirectView

from . import calendars, converters, feeds, search, views
from .views import embargo, subscriptions, verify

register_converter(converters.YearConverter, "yyyy")
register_converter(converters.TwoDigitConverter, "dd")

app_name = "media_centre"

urlpatterns = [
    path("", views.home, name="home"),
    path("media-centre/", RedirectView.as_view(pattern_name="media_centre:home", permanent=True)),
    path("media-centre/press-releases/", views.ReleaseList.as_view(), name="release-list"),
    path("media-centre/press-releases/feed.rss", feeds.release_feed, name="release-feed-rss"),
    path("media-centre/press-releases/feed.atom", feeds.release_feed, name="release-feed-atom"),
    path(
        "media-centre/press-releases/<yyyy:year>/",
        views.ReleaseYearArchive.as_view(),
        name="release-year",
    ),
    path("search/", search.search_view, name="search"),
    path(
        "media-centre/press-releases/<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/",
        views.release_detail,
        name="release-detail",
    ),
    path(
        "media-centre/press-releases/<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/verify/",
        verify.release_verify,
        name="release-verify",
    ),
    path("media-centre/press-releases/draft/<int:pk>/", views.release_draft, name="release-draft"),
    path("media-centre/events/", views.EventList.as_view(), name="event-list"),
    path("media-centre/events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("media-centre/events/<slug:slug>/verify/", verify.event_verify, name="event-verify"),
    path("media-centre/events/<slug:slug>/event.ics", calendars.event_ics, name="event-ics"),
    path("media-centre/mous/", views.MoUList.as_view(), name="mou-list"),
    path("media-centre/mous/<slug:slug>/", views.mou_detail, name="mou-detail"),
    path("media-centre/mous/<slug:slug>/verify/", verify.mou_verify, name="mou-verify"),
    path("publications/", views.StudyList.as_view(), name="study-list"),
    path("publications/<slug:slug>/", views.study_detail, name="study-detail"),
    path("publications/<slug:slug>/verify/", verify.study_verify, name="study-verify"),
    path("speakers/", views.SpeakerList.as_view(), name="speaker-list"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker-detail"),
    path(
        "documents/<int:pk>/accessible-version/",
        views.accessible_version_request,
        name="accessible-version",
    ),
    path("alerts/", subscriptions.subscribe, name="alerts-subscribe"),
    path("alerts/confirm/<str:signed>/", subscriptions.confirm, name="alerts-confirm"),
    path("alerts/manage/<str:token>/", subscriptions.manage, name="alerts-manage"),
    path("alerts/unsubscribe/<str:token>/", subscriptions.unsubscribe, name="alerts-unsubscribe"),
    # A journalist's personal link to an embargoed copy (media_centre/embargo.py).
    path("embargoed/<str:token>/", embargo.embargoed_copy, name="embargo-copy"),
    path(
        "embargoed/<str:token>/documents/<int:pk>/",
        embargo.embargoed_document,
        name="embargo-document",
    ),
    path("embargoed/<str:token>/images/<path:name>", embargo.embargoed_image, name="embargo-image"),
]
