"""Facebook Login for Pages: code -> short-lived user token -> long-lived one -> the person's Pages.

Each Page is posted to with its own Page token; Page tokens obtained with a long-lived user
token do not expire, so they are stored without an expiry. Instagram (instagram.py) uses the
same login and reads the professional account linked to each Page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from accounts.oauth.base import OAuthAccount, OAuthError, OAuthProvider, TokenSet, as_int, expires_in, pkce_challenge

PAGE_FIELDS = (
    "id,name,username,access_token,followers_count,instagram_business_account{id,username,name,followers_count}"
)
MAX_PAGE_REQUESTS = 20  # 100 Pages a request: more than anyone manages


class FacebookLoginProvider(OAuthProvider):
    """What Facebook Pages and Instagram share: the dialog, the token exchanges, the Page list."""

    app_settings = ("FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET")
    offers_choice = True
    no_accounts_message = ""

    @property
    def graph(self) -> str:
        return settings.FACEBOOK_GRAPH_BASE_URL.rstrip("/")

    def authorization_url(self, *, state: str, code_verifier: str, reconsent: bool) -> str:
        query = {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ",".join(self.scopes),
            # Ask again for permissions the person declined last time instead of silently omitting them.
            "auth_type": "rerequest",
            "code_challenge": pkce_challenge(code_verifier),
            "code_challenge_method": "S256",
        }
        return f"{settings.FACEBOOK_AUTH_URL}?{urlencode(query)}"

    def exchange(self, *, code: str, code_verifier: str) -> list[OAuthAccount]:
        short = self._token(
            {"redirect_uri": self.redirect_uri, "code": code, "code_verifier": code_verifier}, "the authorization"
        )
        user = self._token(
            {"grant_type": "fb_exchange_token", "fb_exchange_token": short["access_token"]},
            "a long-lived token",
            secrets_=(short["access_token"],),
        )
        user_token = TokenSet(
            access_token=user["access_token"],
            expires_at=expires_in(user.get("expires_in")),
            scopes=self._granted(user["access_token"]),
        )
        self.check_scopes(user_token.scopes)
        accounts = self.accounts_from(self._pages(user_token.access_token), user_token)
        if not accounts:
            raise OAuthError(f"{self.no_accounts_message} Nothing was saved.")
        return accounts

    def accounts_from(self, pages: list[dict[str, Any]], user_token: TokenSet) -> list[OAuthAccount]:
        return [
            OAuthAccount(
                remote_id=page["id"],
                username=(page.get("username") or page.get("name") or page["id"])[:150],
                display_name=page.get("name", ""),
                followers_count=as_int(page.get("followers_count")),
                tokens=TokenSet(access_token=page["access_token"], scopes=user_token.scopes),
                note=f"Facebook Page {page.get('name', page['id'])}",
            )
            for page in pages
            if page.get("access_token")
        ]

    # --- Graph calls ----------------------------------------------------------------------
    def _token(self, fields: dict[str, str], what: str, secrets_: tuple[str, ...] = ()) -> dict[str, Any]:
        form = {"client_id": self.client_id, "client_secret": self.client_secret, **fields}
        answer = self.call("POST", f"{self.graph}/oauth/access_token", form=form, what="token")
        if not answer.ok or not answer.data.get("access_token"):
            raise self.refused(what, _graph_message(answer.data, answer.status), secrets_=secrets_)
        return answer.data

    def _granted(self, token: str) -> tuple[str, ...]:
        answer = self.call("GET", f"{self.graph}/me/permissions", token=token, auth_scheme="OAuth", what="permissions")
        if not answer.ok:
            raise self.refused(
                "reading your permissions", _graph_message(answer.data, answer.status), secrets_=(token,)
            )
        return tuple(entry["permission"] for entry in answer.data.get("data", []) if entry.get("status") == "granted")

    def _pages(self, token: str) -> list[dict[str, Any]]:
        pages: list[dict[str, Any]] = []
        params: dict[str, Any] = {"fields": PAGE_FIELDS, "limit": 100}
        for _ in range(MAX_PAGE_REQUESTS):
            answer = self.call(
                "GET", f"{self.graph}/me/accounts", token=token, auth_scheme="OAuth", params=params, what="pages"
            )
            if not answer.ok:
                raise self.refused("listing your Pages", _graph_message(answer.data, answer.status), secrets_=(token,))
            pages += answer.data.get("data", [])
            after = ((answer.data.get("paging") or {}).get("cursors") or {}).get("after")
            if not (answer.data.get("paging") or {}).get("next") or not after:
                break
            params = {**params, "after": after}
        return pages


class FacebookProvider(FacebookLoginProvider):
    platform = "facebook"
    label = "Facebook"
    # What the Reels publishing guide lists (publish_video is a Live Video permission, not for Reels);
    # pages_manage_engagement is optional, asked only for the first comment under a post.
    required_scopes = ("pages_show_list", "pages_read_engagement", "pages_manage_posts")
    scopes = (*required_scopes, "pages_manage_engagement")
    no_accounts_message = (
        "Facebook shared no Pages you can post to. Facebook Login lists only the Pages you manage and "
        "ticked in its dialog: connect again and choose at least one Page."
    )


def _graph_message(data: dict[str, Any], status: int) -> str:
    error = data.get("error") or {}
    return error.get("error_user_msg") or error.get("message") or str(status)
