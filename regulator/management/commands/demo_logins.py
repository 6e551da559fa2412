from django.core.management.base import BaseCommand

from regulator.demo import logins


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **opts):
        self.stdout.write("Demo logins (username / password / role):")
        for username, password, role in logins():
            self.stdout.write(f"  {username:<12} {password:<24} {role}")
