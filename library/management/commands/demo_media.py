"""Give the demo login a small generated media library (`make run` calls this after demo_setup)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import User
from library.demo import demo_media_create

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Generate demo media (videos, audio, an image) for the demo login, once."

    def add_arguments(self, parser):
        parser.add_argument("--owner", default=DEMO_USERNAME)

    def handle(self, *args, owner: str, **options):
        if not settings.REELMILL_DEMO:
            self.stdout.write("REELMILL_DEMO=false: no demo media.")
            return
        user = User.objects.filter(username=owner).first()
        if user is None:
            self.stdout.write(f"No user {owner!r} yet (run demo_setup first): no demo media.")
            return
        added = demo_media_create(owner=user)
        self.stdout.write(f"Demo media: {added} file(s) added." if added else "Demo media already in place.")
