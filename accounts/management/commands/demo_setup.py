"""Create the demo login for `make run` (once), and print how to sign in.

The password is random, kept in var/demo-login.txt (not committed, mode 600) so the
command can print it again on every start. REELMILL_DEMO=false skips all of it.
"""

import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts import services
from accounts.models import SocialAccount, User
from accounts.platforms import Platform

DEMO_USERNAME = "demo"
# Sandbox accounts "publish" into local storage: the demo posts end to end with no connection.
DEMO_SANDBOX_ACCOUNTS = ("demo.sandbox.one", "demo.sandbox.two")


class Command(BaseCommand):
    help = "Create the demo login (and, as the product grows, demo data) once; print the sign-in details."

    def handle(self, *args, **options):
        if not settings.REELMILL_DEMO:
            self.stdout.write("REELMILL_DEMO=false: no demo data.")
            return
        login_file = settings.VAR_DIR / "demo-login.txt"
        user = User.objects.filter(username=DEMO_USERNAME).first()
        if user is None or not login_file.exists():
            password = secrets.token_urlsafe(12)
            if user is None:
                user = services.user_create(username=DEMO_USERNAME, password=password, is_staff=True)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            fd = os.open(login_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(password)
        for username in DEMO_SANDBOX_ACCOUNTS:
            if not SocialAccount.objects.filter(owner=user, platform=Platform.SANDBOX, username=username).exists():
                services.social_account_create(owner=user, platform=Platform.SANDBOX, username=username)
        password = login_file.read_text().strip()
        banner = (
            "\n  ReelMill is starting at http://127.0.0.1:8000/\n"
            f"  Demo login: username '{DEMO_USERNAME}', password '{password}'\n"
            "  (random, made for this checkout; kept in var/demo-login.txt)\n"
        )
        self.stdout.write(self.style.SUCCESS(banner))
