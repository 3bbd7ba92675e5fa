from django.contrib import admin
from django.http import HttpRequest

from annotations.roles import user_is_researcher


class CorpusAdminSite(admin.AdminSite):
    """The admin, open to researchers too: their group's permissions let them refine
    the codebook (themes) and nothing else; staff see everything they may change."""

    site_header = "Labour history corpus"
    site_title = "Corpus admin"
    index_title = "Codebook and accounts"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and (user.is_staff or user_is_researcher(user=user))
