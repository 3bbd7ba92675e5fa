from django.urls import path

from annotations import team_views, token_views, views
from annotations.refi import views as refi_views

app_name = "annotations"
urlpatterns = [
    path("passages/<int:pk>/tags/", views.tag_create, name="tag-create"),
    path("tags/<int:pk>/memo/", views.tag_memo, name="tag-memo"),
    path("tags/<int:pk>/delete/", views.tag_delete, name="tag-delete"),
    path("tags/<int:pk>/reattach/", views.tag_reattach, name="tag-reattach"),
    path("tags/restore/", views.tag_restore, name="tag-restore"),
    path("sources/<slug:slug>/<int:ordinal>/", views.section_read, name="section-read"),
    path("passages/<int:pk>/tagging/", views.passage_tagging, name="passage-tagging"),
    path("themes/", views.theme_list_view, name="theme-list"),
    path("themes/colours.css", views.theme_colours, name="theme-colours"),
    # Before the slug route, which would otherwise take "orphans" for a theme.
    path("themes/orphans/", views.orphan_list, name="orphan-list"),
    path("themes/import/", refi_views.codebook_import_view, name="codebook-import"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme-detail"),
    path("accounts/tokens/", token_views.token_list, name="token-list"),
    path("accounts/tokens/<int:pk>/revoke/", token_views.token_revoke, name="token-revoke"),
    # Team coding: coding status, agreement, two coders compared.
    path("agreement/", team_views.agreement_page, name="agreement"),
    path("compare/", team_views.compare_page, name="compare"),
    path("sections/<int:pk>/coding/", team_views.section_coding, name="section-coding"),
    path("tags/<int:pk>/adopt/", team_views.tag_adopt, name="tag-adopt"),
    path("disagreement-memos/", team_views.disagreement_memo, name="disagreement-memo"),
    path("themes/<slug:slug>/edit/", views.theme_edit, name="theme-edit"),
    path("themes/<slug:slug>/merge/", views.theme_merge, name="theme-merge"),
    path("themes/<slug:slug>/memos/", views.theme_memo, name="theme-memo"),
    path("tags/<int:pk>/example/", views.tag_example, name="tag-example"),
]
