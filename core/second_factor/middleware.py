"""Holds a signed-in account that owes its second factor to the second factor's pages.

After the password, an account that must give a second factor (policy.is_owed) and has not in
this session is sent from every admin address to the code page (or to setting up an app, when
it has none); signing in again and signing out still work. Outside the admin it is a visitor:
a password alone previews no draft. Must come after django-otp's OTPMiddleware (and before
AxesMiddleware, which turns a lockout on the code page into its lockout page).
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import policy

# The admin addresses an account that owes its second factor may still reach.
OPEN_ROUTES = ("admin:login", "admin:logout", "second_factor:verify", "second_factor:set-up")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and policy.is_owed(user):
            if request.path.startswith(reverse("admin:index")):
                if request.path not in {reverse(name) for name in OPEN_ROUTES}:
                    return self._to_second_factor(request)
            else:
                request.user = AnonymousUser()

                async def anonymous():
                    return request.user

                request.auser = anonymous
        return self.get_response(request)

    @staticmethod
    def _to_second_factor(request: HttpRequest) -> HttpResponse:
        target = reverse("second_factor:verify")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
