from django.urls import path

from annotations import views
from annotations.refi import views as refi_views

app_name = "annotations"
urlpatterns = [
    path("passages/<int:pk>/tags/", views.tag_create, name="tag-create"),
    path("tags/<int:pk>/memo/", views.tag_memo, name="tag-memo"),
    path("tags/<int:pk>/delete/", views.tag_delete, name="tag-delete"),
    path("tags/<int:pk>/reattach/", views.tag_reattach, name="tag-reattach"),
    path("themes/", views.theme_list_view, name="theme-list"),
    path("themes/colours.css", views.theme_colours, name="theme-colours"),
    # Before the slug route, which would otherwise take "orphans" for a theme.
    path("themes/orphans/", views.orphan_list, name="orphan-list"),
    path("themes/import/", refi_views.codebook_import_view, name="codebook-import"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme-detail"),
]
