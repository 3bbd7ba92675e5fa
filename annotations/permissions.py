"""Small DRF permission classes, meant to be combined with ``|`` and ``&``."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from annotations.roles import (
    user_can_change_tag,
    user_can_edit_codebook,
    user_can_read,
    user_can_tag,
)


class ReadPublicOrAuthenticated(BasePermission):
    """Safe methods for anyone when ``PUBLIC_READ`` is on, else for logged-in users."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS and user_can_read(user=request.user)


class IsTagger(BasePermission):
    """Researchers and staff: the roles that may create tags."""

    def has_permission(self, request, view) -> bool:
        return user_can_tag(user=request.user)


class IsTagOwnerOrStaff(BasePermission):
    """Object level: a tag may be changed by the researcher who made it, or by staff."""

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return user_can_read(user=request.user)
        return user_can_change_tag(user=request.user, tag_user_id=obj.user_id)


class IsCodebookEditor(BasePermission):
    """Researchers and staff: the roles that may rename, move and merge themes."""

    def has_permission(self, request, view) -> bool:
        return user_can_edit_codebook(user=request.user)
