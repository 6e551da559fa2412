from django.core.management.base import BaseCommand, CommandError

from config.api import ApplicationError
from regulator import services
from regulator.models import Role


class Command(BaseCommand):
    help = "Provision a user with a role (DESIGN.md, Accounts)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--enterprise", help="USCC, required for role=enterprise")
        parser.add_argument("--authority", default="", help="staff: MIIT (default) or a province code")
        parser.add_argument("--province", default="", help="staff: a province code (same as --authority)")
        parser.add_argument("--badge", default="", help="inspector roster badge id")

    def handle(self, *args, **opts):
        try:
            user = services.user_create(
                actor="create_user command",
                username=opts["username"],
                password=opts["password"],
                role=opts["role"],
                enterprise_uscc=opts.get("enterprise"),
                authority=opts["authority"],
                province=opts["province"],
                badge=opts["badge"],
            )
        except ApplicationError as exc:
            detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
            raise CommandError(f"{exc.message} {detail}".strip())
        self.stdout.write(self.style.SUCCESS(f"created {user.username} ({user.role})"))
