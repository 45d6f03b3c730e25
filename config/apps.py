from django.contrib.admin.apps import AdminConfig


class DigestAdminConfig(AdminConfig):
    """django.contrib.admin, with `admin.site` an instance of Digest's admin site.

    Swapping the default site (rather than making a second site) keeps every
    `admin.site.register()` and `@admin.register` in the project's apps working.
    """

    default_site = "config.admin_site.DigestAdminSite"
