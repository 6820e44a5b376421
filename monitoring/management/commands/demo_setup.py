"""Create the demo data for `make run` (once) and print how to sign in.

The password is random, kept in var/demo-login.txt (not committed, mode 600) so the
command can print it again on every start. REELMILL_DEMO=false skips all of it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from monitoring import demo


class Command(BaseCommand):
    help = "Create the demo login, media and campaign once; print the sign-in details."

    def handle(self, *args, **options):
        if not settings.REELMILL_DEMO:
            self.stdout.write("REELMILL_DEMO=false: no demo data.")
            return
        user, password = demo.demo_user(settings.VAR_DIR / "demo-login.txt")
        media = demo.demo_media(user)
        if media:
            self.stdout.write(f"Generated {media} demo media files into the library.")
        demo.demo_sandbox_accounts(user)
        if demo.demo_campaign(user):
            self.stdout.write("Created and activated the demo campaign; its first videos are queued.")
        if demo.demo_studio(user):
            self.stdout.write("Wrote a demo script in the studio; the worker is voicing it with the offline voice.")
        if generated := demo.demo_generation(user):
            self.stdout.write(f"Queued {generated} AI studio videos (voiced, word-captioned) for the sandbox accounts.")
        if demo.demo_automation(user):
            self.stdout.write("Turned on automation: videos every 10 minutes, uploads to the sandbox every 5.")
        self.stdout.write(
            self.style.SUCCESS(
                "\n  ReelMill is starting at http://127.0.0.1:8000/\n"
                f"  Demo login: username '{demo.DEMO_USERNAME}', password '{password}'\n"
                "  (random, made for this checkout; kept in var/demo-login.txt)\n"
            )
        )
