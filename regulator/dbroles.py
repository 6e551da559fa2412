"""The application's database role owns no table (DESIGN.md; issue 9, point 7).

Migrations run as the owner (``DATABASE_OWNER_URL``); after each migrate the application
role (``settings.DATABASE_APP_ROLE``, the user of ``DATABASE_URL``) is granted row access
only: SELECT, INSERT, UPDATE, DELETE on tables and use of sequences. Not being the owner
and not a superuser, it cannot ``TRUNCATE`` (not granted), ``ALTER TABLE … DISABLE TRIGGER``
(owner only) or ``SET session_replication_role`` (superuser only), so the append-only
triggers of the ledger, the audit trail and the list events hold against the application
itself. UPDATE and DELETE stay granted because those triggers, not privileges, decide which
rows may change (the sealer's one update of an audit event, for instance).
"""

from django.conf import settings
from django.db import connections


def grant_statements(role: str, quote) -> list[str]:
    r = quote(role)
    return [
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {r}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {r}",
    ]


def grant(using: str, role: str) -> bool:
    """Grant ``role`` row access on every table of ``using``'s database; False when there is
    nothing to do (not PostgreSQL, no separate role)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not role:
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        if cur.fetchone()[0] == role:
            return False
        for statement in grant_statements(role, connection.ops.quote_name):
            cur.execute(statement)
    return True


def grant_after_migrate(sender, using="default", **kwargs) -> None:
    grant(using, getattr(settings, "DATABASE_APP_ROLE", ""))
