"""Signals other apps may listen to (monitoring turns them into alerts)."""

from django.dispatch import Signal

# An account needs its owner: its token was revoked or cannot be refreshed.
# Sent with account=SocialAccount, reason=str, upload=Upload | None.
account_needs_attention = Signal()
