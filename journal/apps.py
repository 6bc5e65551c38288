from django.apps import AppConfig


class JournalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "journal"
    verbose_name = "LDN Journal"

    def ready(self):
        from django.db.models import ForeignKey
        from django.utils import formats, translation

        from journal import (
            sessions,  # noqa: F401  (connects the login signal)
            wording,
        )
        from journal.lookups import AmongSelected

        ForeignKey.register_lookup(AmongSelected)
        # The domain core's words in the reader's language (it imports no Django itself).
        wording.install(
            gettext=translation.gettext,
            ngettext=translation.ngettext,
            number_format=formats.number_format,
            date_format=formats.date_format,
        )
