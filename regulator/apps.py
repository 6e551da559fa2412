from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegulatorConfig(AppConfig):
    name = "regulator"
    verbose_name = _("Regulator kernel")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save

        from regulator import dbroles, signals
        from regulator.models import User

        # Every way a password changes or an account is deactivated (API, admin,
        # `changepassword`, a shell) ends in User.save: tokens die there.
        post_save.connect(signals.user_saved, sender=User, dispatch_uid="regulator.user_saved")
        # After each migrate, the application role gets row access to the new tables.
        post_migrate.connect(dbroles.grant_after_migrate, sender=self, dispatch_uid="regulator.grants")
