from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    default = True
    name = "editorial"
    verbose_name = _("Newsroom")

    def ready(self):
        from editorial.revisions.history import register_models

        register_models()


class DigestAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with `admin.site` an instance of Digest's admin site.

    Swapping the default site (rather than making a second site) keeps every
    `admin.site.register()` and `@admin.register` in the project's apps working.
    """

    # Named in INSTALLED_APPS in place of django.contrib.admin, never picked by default.
    default = False
    default_site = "editorial.site.DigestAdminSite"
