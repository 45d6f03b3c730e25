from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Publication")

    def ready(self):
        from newsletter.caching import signals as caching_signals
        from newsletter.subscribers import webhooks

        webhooks.connect()
        caching_signals.connect()
