"""Site-wide access rules for the HTML pages, shared by every app's views."""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotations.roles import user_can_read
from config.throttling import client_address

# Failed logins allowed per username from one address, and per address whatever the
# usernames, before the form refuses for a while.
LOGIN_FAILURES_ALLOWED = 10
ADDRESS_LOGIN_FAILURES_ALLOWED = 100
LOGIN_LOCKOUT_SECONDS = 15 * 60


def read_permission_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sends anonymous visitors to the login page when ``PUBLIC_READ`` is off."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_can_read(user=request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


class ThrottledLoginView(LoginView):
    """The login page, with a limit on failed attempts per username and address.

    Per username *and* address, so that bad guesses from one place (behind a proxy,
    all of its users) do not lock anyone else out; and per address, with a higher
    limit, so that one place cannot try every username. The API's token view has its
    own throttles. Counts live in Django's cache (per process with the default
    local-memory cache: configure a shared cache in production).
    """

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        address = client_address(request)
        # Hashed: a cache key must not hold whatever characters were typed.
        username = hashlib.sha256(
            request.POST.get("username", "").strip().casefold().encode()
        ).hexdigest()
        limits = {
            f"login-failures:{address}:{username}": LOGIN_FAILURES_ALLOWED,
            f"login-failures:{address}": ADDRESS_LOGIN_FAILURES_ALLOWED,
        }
        counts = cache.get_many(limits)
        if any(counts.get(key, 0) >= allowed for key, allowed in limits.items()):
            context = {"title": "Too many attempts", "status": 429,
                       "message": "Too many failed logins. Please wait a few minutes."}
            return render(request, "error.html", context, status=429)
        response = super().post(request, *args, **kwargs)
        if not request.user.is_authenticated:
            for key in limits:
                cache.add(key, 0, LOGIN_LOCKOUT_SECONDS)
                cache.incr(key)
        return response
