"""Instagram professional accounts through Facebook Login: the account linked to each of the person's Pages.

Publishing uses the long-lived user token (what Meta's content publishing guide calls for with
Facebook Login); it lasts about 60 days and the adapter renews it with `fb_exchange_token`.
"""

from __future__ import annotations

from typing import Any

from accounts.oauth.base import OAuthAccount, TokenSet, as_int
from accounts.oauth.facebook import FacebookLoginProvider


class InstagramProvider(FacebookLoginProvider):
    platform = "instagram"
    label = "Instagram"
    # instagram_manage_comments is optional: only the first comment under a post needs it.
    scopes = (
        "instagram_basic", "instagram_content_publish", "pages_show_list", "pages_read_engagement",
        "instagram_manage_comments",
    )  # fmt: skip
    required_scopes = ("instagram_basic", "instagram_content_publish", "pages_show_list")
    no_accounts_message = (
        "None of the Facebook Pages you shared has an Instagram professional account linked. Switch the "
        "Instagram account to a business or creator account, link it to a Page, and connect again choosing that Page."
    )

    def accounts_from(self, pages: list[dict[str, Any]], user_token: TokenSet) -> list[OAuthAccount]:
        return [
            OAuthAccount(
                remote_id=linked["id"],
                username=(linked.get("username") or linked["id"])[:150],
                display_name=linked.get("name") or linked.get("username") or "",
                followers_count=as_int(linked.get("followers_count")),
                tokens=user_token,
                note=f"linked to the Facebook Page {page.get('name', page['id'])}",
            )
            for page in pages
            if (linked := page.get("instagram_business_account") or {}).get("id")
        ]
