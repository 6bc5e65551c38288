from django.apps import AppConfig


class JournalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "journal"
    verbose_name = "LDN Journal"

    def ready(self):
        from journal import sessions  # noqa: F401  (connects the login signal)
