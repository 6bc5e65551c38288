from django.apps import AppConfig


class JournalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "journal"
    verbose_name = "LDN Journal"

    def ready(self):
        from django.db.models import ForeignKey

        from journal import sessions  # noqa: F401  (connects the login signal)
        from journal.lookups import AmongSelected

        ForeignKey.register_lookup(AmongSelected)
