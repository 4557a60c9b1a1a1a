"""Email alert subscriptions: subscribe, confirm, manage, and one-click unsubscribe (RFC 8058)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core import languages, throttle
from core.privacy import keep_private

from .. import subscriptions
from ..forms import AlertChoicesForm, SubscriptionForm
from ..models import Subscriber


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return keep_private(
        render(request, f"media_centre/alerts/{template}.html", context, status=status)
    )


def _initial(request: HttpRequest) -> dict:
    """What the short forms on other pages send: an address, and what to follow."""
    language = get_language()
    initial = {"language": language if language in languages.CODES else "en"}
    email = request.GET.get("email", "")
    if isinstance(email, str) and len(email) <= 254:
        initial["email"] = email
    follow = request.GET.get("follow") or "releases"
    if follow in AlertChoicesForm.KINDS:
        initial[follow] = True
    return initial


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        if not throttle.allow(
            "alerts-subscribe",
            throttle.client_key(request),
            settings.NEWSROOM_ALERTS_SUBSCRIBE_PER_HOUR,
            60 * 60,
        ):
            form.is_valid()
            form.add_error(None, _("Too many requests have been sent. Please try again later."))
            return _page(
                request, "subscribe", {"form": form, "wording": subscriptions.WORDING}, 429
            )
        if form.is_valid():
            subscriptions.request_subscription(
                form.cleaned_data["email"],
                form.choices(),
                form.cleaned_data["topics"],
                get_language(),
            )
            return redirect(request.path + "?sent=1")
    elif request.GET.get("sent") == "1":
        return _page(request, "sent", {"hours": settings.NEWSROOM_ALERTS_CONFIRM_HOURS})
    else:
        form = SubscriptionForm(initial=_initial(request))
    return _page(request, "subscribe", {"form": form, "wording": subscriptions.WORDING})


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, signed: str) -> HttpResponse:
    try:
        subscriber = subscriptions.subscriber_for_code(signed)
    except subscriptions.LinkExpired:
        return _page(request, "expired", {}, status=410)
    if subscriber is None:
        raise Http404
    if request.method == "POST":  # following a link writes nothing: the button does
        subscriptions.confirm(subscriber)
        return redirect(subscriber.get_manage_url() + "?confirmed=1")
    return _page(request, "confirm", {"subscriber": subscriber})


def _subscriber(token: str) -> Subscriber:
    if len(token) > 64:
        raise Http404
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        raise Http404
    return subscriber


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _subscriber(token)
    if request.method == "POST" and request.POST.get("action") == "delete":
        subscriber.delete()
        return _page(request, "unsubscribed", {"deleted": True})
    saved = False
    if request.method == "POST":
        form = AlertChoicesForm(request.POST)
        if form.is_valid():
            for name, value in form.choices().items():
                setattr(subscriber, name, value)
            subscriber.save()
            subscriber.topics.set(form.cleaned_data["topics"])
            saved = True
    else:
        form = AlertChoicesForm(
            initial={
                "language": subscriber.language,
                "frequency": subscriber.frequency,
                "topics": list(subscriber.topics.all()),
                **{kind: getattr(subscriber, kind) for kind in AlertChoicesForm.KINDS},
            }
        )
    context = {
        "subscriber": subscriber,
        "form": form,
        "saved": saved,
        "confirmed": request.GET.get("confirmed") == "1",
    }
    return _page(request, "manage", context)


@csrf_exempt  # RFC 8058: a mail client posts `List-Unsubscribe=One-Click` with no cookie
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        # One click, no login, no second page; a used or unknown link answers the same.
        if len(token) <= 64:
            Subscriber.objects.filter(token=token).delete()
        return _page(request, "unsubscribed", {"deleted": True})
    # A GET (a link scanner, or someone following the link) only asks.
    return _page(request, "unsubscribe", {"subscriber": _subscriber(token)})
