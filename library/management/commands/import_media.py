"""Import every media file in a folder: `manage.py import_media DIR --kind hot_video --owner maria`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from common.errors import ApplicationError, ConflictError
from library import services
from library.models import MediaKind, MediaSource


class Command(BaseCommand):
    help = "Import the media files in a folder into a user's library (duplicates are skipped)."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--kind", required=True, choices=MediaKind.values)
        parser.add_argument("--owner", required=True, help="username")
        parser.add_argument("--tags", default="", help="comma-separated tags for every file")
        parser.add_argument("--category", default="")
        parser.add_argument("--mood", default="")
        parser.add_argument("--platform", default="")
        parser.add_argument("--royalty-free", action="store_true")
        parser.add_argument("--license-note", default="")
        parser.add_argument("--recursive", action="store_true", help="include sub-folders")

    def handle(self, *args, directory: Path, owner: str, recursive: bool, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        try:
            user = get_user_model().objects.get(username=owner)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {owner!r}.") from None
        pattern = "**/*" if recursive else "*"
        files = sorted(p for p in directory.glob(pattern) if p.is_file() and not p.name.startswith("."))
        tags = [t for t in options["tags"].split(",") if t.strip()]

        imported, duplicates, rejected = 0, [], []
        progress = tqdm(files, unit="file", disable=None, file=sys.stderr)
        for path in progress:
            progress.set_postfix_str(path.name[:30])
            try:
                services.media_asset_ingest(
                    owner=user,
                    path=path,
                    kind=options["kind"],
                    tags=tags,
                    category=options["category"],
                    mood=options["mood"],
                    platform=options["platform"],
                    royalty_free=options["royalty_free"],
                    license_note=options["license_note"],
                    source=MediaSource.IMPORTED_FOLDER,
                )
            except ConflictError as exc:
                duplicates.append((path, exc.extra.get("existing_id")))
            except ApplicationError as exc:
                rejected.append((path, exc.message))
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            else:
                imported += 1
        progress.close()

        self.stdout.write(
            f"Imported {imported}, skipped {len(duplicates)} duplicate(s), rejected {len(rejected)} "
            f"of {len(files)} file(s) in {directory}."
        )
        for path, existing_id in duplicates:
            self.stdout.write(f"  duplicate: {path.name} (already asset #{existing_id})")
        for path, reason in rejected:
            self.stdout.write(self.style.WARNING(f"  rejected: {path.name}: {reason}"))
