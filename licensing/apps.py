from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "licensing"

    def ready(self) -> None:
        from licensing import checks  # noqa: F401  (registers the deploy check)
