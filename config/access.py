"""Site-wide access rules for the HTML pages, shared by every app's views."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotations.roles import user_can_read

LOGIN_FAILURES_ALLOWED = 10
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
    """The login page, with a limit on failed attempts per client address.

    The API's token view has DRF's throttles; this is the same protection against
    password guessing for the HTML form. Counts live in Django's cache (per process
    with the default local-memory cache: configure a shared cache in production).
    """

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = f"login-failures:{request.META.get('REMOTE_ADDR', '')}"
        if cache.get(key, 0) >= LOGIN_FAILURES_ALLOWED:
            context = {"title": "Too many attempts", "status": 429,
                       "message": "Too many failed logins. Please wait a few minutes."}
            return render(request, "error.html", context, status=429)
        response = super().post(request, *args, **kwargs)
        if not request.user.is_authenticated:
            cache.add(key, 0, LOGIN_LOCKOUT_SECONDS)
            cache.incr(key)
        return response
