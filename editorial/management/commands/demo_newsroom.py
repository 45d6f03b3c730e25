"""Create the demo newsroom accounts (one per role) with a given password.

`load_demo` calls it by name, so that `newsletter` never imports `editorial`.
"""

from django.core.management.base import BaseCommand

from editorial.demo import demo_newsroom


class Command(BaseCommand):
    help = "Create one demo account per newsroom role, all with the given password."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True)

    def handle(self, *args, password: str, **options):
        users = demo_newsroom(password=password)
        self.stdout.write(
            "Newsroom logins, same password: "
            + ", ".join(f"{user.username} ({user.groups.get().name})" for user in users)
        )
