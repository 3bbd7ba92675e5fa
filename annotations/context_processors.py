from django.http import HttpRequest

from annotations.roles import user_can_tag


def user_role(request: HttpRequest) -> dict:
    """Exposes ``can_tag`` to every template, so controls render only for taggers."""
    return {"can_tag": user_can_tag(user=request.user)}
