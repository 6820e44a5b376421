from django.shortcuts import render
from django.utils import timezone

from accounts import selectors as account_selectors


def overview(request):
    """Landing page: what needs attention now. Later parts add production numbers."""
    now = timezone.now()
    accounts = account_selectors.with_recent_posts(account_selectors.social_account_list(user=request.user), now)
    attention = []
    for account in accounts:
        check = account_selectors.social_account_can_upload(account=account, at=now)
        if not check.allowed:
            attention.append((account, check))
    context = {
        "account_stats": account_selectors.social_account_stats(user=request.user),
        "attention": attention,
    }
    return render(request, "monitoring/overview.html", context)
