from django.contrib.admin.apps import AdminConfig


class CorpusAdminConfig(AdminConfig):
    default_site = "config.admin_site.CorpusAdminSite"
