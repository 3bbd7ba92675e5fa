from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.access import ThrottledLoginView
from config.api_root import api_root

api_patterns = [
    path("", api_root, name="api-root"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("corpus.api")),
    path("", include("annotations.api")),
    path("", include("annotations.token_api")),
    path("", include("annotations.team_api")),
    path("", include("annotations.refi.api")),
    path("", include("search.api")),
    path("", include("analysis.api")),
]

urlpatterns = [
    path("", include("corpus.urls")),
    path("", include("annotations.urls")),
    path("", include("search.urls")),
    path("", include("analysis.urls")),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
]

handler400 = "config.error_views.bad_request"
handler403 = "config.error_views.permission_denied"
handler404 = "config.error_views.page_not_found"
handler500 = "config.error_views.server_error"
