from django.urls import path

from annotations import views

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
    path("themes/<slug:slug>/", views.theme_detail, name="theme-detail"),
]
