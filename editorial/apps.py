from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("Newsroom")

    def ready(self):
        from editorial.revisions import register_models

        register_models()
