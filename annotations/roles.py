"""Who may do what: researchers tag, students read, staff may edit anyone's tags."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from annotations.models import RESEARCHERS_GROUP

User = AbstractBaseUser | AnonymousUser


def user_is_researcher(*, user: User) -> bool:
    if not user.is_authenticated:
        return False
    # Cached on the user object: templates and permissions ask many times a request.
    cached = getattr(user, "_is_researcher", None)
    if cached is None:
        cached = user.groups.filter(name=RESEARCHERS_GROUP).exists()
        user._is_researcher = cached
    return cached


def user_can_tag(*, user: User) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user_is_researcher(user=user)))


def user_can_change_tag(*, user: User, tag_user_id: int) -> bool:
    if not user_can_tag(user=user):
        return False
    return user.is_staff or user.pk == tag_user_id


def user_can_read(*, user: User) -> bool:
    return settings.PUBLIC_READ or user.is_authenticated


def user_can_edit_codebook(*, user: User) -> bool:
    """Rename, move and merge themes, mark examples, write memos on themes."""
    return user_can_tag(user=user)
