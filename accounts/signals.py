"""Signals other apps listen to (monitoring turns these into alerts); accounts only sends them."""

from django.dispatch import Signal

# Sent after the transaction commits when an account can no longer post until its owner acts
# (reconnects, replaces credentials). Arguments: `account` (SocialAccount), `reason` (str, no secrets).
account_needs_attention = Signal()
