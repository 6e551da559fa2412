"""``migrate`` as the table owner when ``DATABASE_OWNER_URL`` is set (alias "owner").

The application role (``DATABASE_URL``) owns nothing and could not create tables. For the
run, the default connection logs in as the owner instead, so that data migrations (which use
the default manager) and post-migrate hooks act as the owner too; regulator.dbroles then
grants the application role row access. The connection is restored afterwards."""

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections


class Command(MigrateCommand):
    def handle(self, *args, **options):
        owner = settings.DATABASES.get("owner")
        if options.get("database") != DEFAULT_DB_ALIAS or not owner:
            return super().handle(*args, **options)
        conn = connections[DEFAULT_DB_ALIAS]
        app_settings = conn.settings_dict
        conn.close()
        conn.settings_dict = {
            **app_settings,
            **{k: owner[k] for k in ("USER", "PASSWORD", "HOST", "PORT", "NAME")},
        }
        try:
            return super().handle(*args, **options)
        finally:
            conn.close()
            conn.settings_dict = app_settings
