from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import oauth, selectors, services
from accounts.forms import SignUpForm, SocialAccountForm, platform_defaults_table
from accounts.models import AccountStatus, SocialAccount
from accounts.oauth import flow
from accounts.oauth.base import NotConfigured, OAuthAccount, OAuthError, redact
from accounts.platforms import Platform
from common.errors import ApplicationError
from common.views import get_owned_or_404


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:list")

    def form_valid(self, form):
        messages.success(self.request, "Your password was changed.")
        return super().form_valid(form)


@login_not_required
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("monitoring:overview")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to ReelMill, {user.username}.")
        return redirect("monitoring:overview")
    return render(request, "accounts/sign_up.html", {"form": form})


def account_list(request):
    platform = request.GET.get("platform", "")
    if platform not in Platform.values:
        platform = ""
    now = timezone.now()
    qs = selectors.with_posts_around(
        selectors.social_account_list(user=request.user, filters={"platform": platform}), now
    )
    connections = _connections(request)
    rows = [
        (account, check, connections.get(account.platform))
        for account, check in selectors.social_account_checks(qs, at=now)
    ]
    context = {
        "rows": rows,
        "platforms": Platform.choices,
        "current_platform": platform,
        "stats": selectors.social_account_stats(user=request.user),
    }
    return render(request, "accounts/account_list.html", context)


def _save(request, form, account=None):
    """Run the form's data through the service; model errors land on the form."""
    try:
        if account is None:
            return services.social_account_create(
                owner=request.user, platform=form.cleaned_data["platform"], **form.service_kwargs()
            )
        return services.social_account_update(account=account, **form.service_kwargs())
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
    return None


def account_create(request):
    form = SocialAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = _save(request, form)
        if account:
            messages.success(request, f"Added {account}.")
            problem = account.connection_problem()
            if problem:
                messages.warning(request, f"{account} cannot post yet: {problem}.")
            return redirect("accounts:list")
    context = {"form": form, "defaults": platform_defaults_table(), "connections": oauth.connection_options(request)}
    return render(request, "accounts/account_form.html", context)


def account_edit(request, pk: int):
    account = get_owned_or_404(selectors.social_account_list(user=request.user), pk=pk)
    form = SocialAccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, account):
            messages.success(request, f"Saved {account}.")
            return redirect("accounts:list")
        account.refresh_from_db()
    return render(
        request,
        "accounts/account_form.html",
        {
            "form": form,
            "account": account,
            "defaults": platform_defaults_table(),
            "connection": _connections(request).get(account.platform),
        },
    )


_ACTIONS = {
    "pause": (services.social_account_pause, "Paused"),
    "resume": (services.social_account_resume, "Resumed"),
    "deactivate": (services.social_account_deactivate, "Deactivated"),
    "reactivate": (services.social_account_reactivate, "Reactivated"),
    "delete": (services.social_account_delete, "Deleted"),
}


@require_POST
def account_action(request, pk: int, action: str):
    account = get_owned_or_404(selectors.social_account_list(user=request.user), pk=pk)
    if action not in _ACTIONS:
        raise Http404
    service, done = _ACTIONS[action]
    label = str(account)
    try:
        service(account=account)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{done} {label}.")
    return redirect("accounts:list")


# --- OAuth connections -----------------------------------------------------------------------
def _connections(request) -> dict[str, oauth.ConnectionOption]:
    return {option.platform: option for option in oauth.connection_options(request)}


def _provider_class_or_404(platform: str) -> type[oauth.OAuthProvider]:
    if platform not in oauth.PROVIDERS:
        raise Http404
    return oauth.PROVIDERS[platform]


def connect_start(request, platform: str):
    """Send the browser to the platform's consent screen; `?account=<id>` reconnects that account."""
    provider_class = _provider_class_or_404(platform)
    account = None
    if request.GET.get("account"):
        mine = selectors.social_account_list(user=request.user).filter(platform=platform)
        account = get_owned_or_404(mine, pk=request.GET["account"])
    try:
        provider = oauth.get_provider(platform, request=request)
    except NotConfigured as exc:
        title = f"{provider_class.label} is not configured"
        return render(request, "error.html", {"title": title, "message": exc.message}, status=404)
    pending = flow.begin(request, platform=platform, account_id=account.pk if account else None)
    # Ask for a fresh consent (and so a refresh token) unless the account holds one that still works.
    reconsent = account is None or not account.refresh_token or account.status in _DEAD
    url = provider.authorization_url(state=pending.state, code_verifier=pending.code_verifier, reconsent=reconsent)
    return redirect(url)


_DEAD = (AccountStatus.EXPIRED, AccountStatus.REVOKED)


def connect_callback(request, platform: str):
    """Where the platform sends the browser back: check the state, trade the code, store the account."""
    provider_class = _provider_class_or_404(platform)
    label, state = provider_class.label, request.GET.get("state", "")
    target = None
    if request.GET.get("error"):
        flow.forget(request, state=state)
        return _declined(request, label, request.GET["error"], request.GET.get("error_description", ""))
    try:
        pending = flow.finish(request, platform=platform, state=state, label=label)
        target = _reconnect_target(request, pending)
        if not request.GET.get("code"):
            raise OAuthError(f"{label} sent no authorization code back. Nothing was saved; start again.")
        provider = oauth.get_provider(platform, request=request)
        found = provider.exchange(code=request.GET["code"], code_verifier=pending.code_verifier)
        if target is not None and provider.offers_choice:
            found = [_same_account(found, target, label)]
        elif len(found) > 1 and provider.offers_choice:
            flow.stash_choices(request, platform=platform, accounts=found, account_id=None)
            return redirect("accounts:connect-choose", platform=platform)
        return _connect(request, platform, found, target)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:edit", pk=target.pk) if target else redirect("accounts:create")


def connect_choose(request, platform: str):
    """Facebook Login shared several Pages (or Instagram accounts): the person picks which to add."""
    provider_class = _provider_class_or_404(platform)
    pending = flow.pending_choices(request, platform=platform)
    if pending is None:
        messages.error(request, f"That {provider_class.label} choice expired or was already made. Connect again.")
        return redirect("accounts:create")
    found, _ = pending
    error = ""
    if request.method == "POST":
        chosen = set(request.POST.getlist("remote_id"))
        selected = [item for item in found if item.remote_id in chosen]
        if selected:
            flow.drop_choices(request)
            return _connect(request, platform, selected, None)
        error = "Choose at least one account to add, or cancel."
    existing = set(
        selectors.social_account_list(user=request.user)
        .filter(platform=platform)
        .exclude(remote_id="")
        .values_list("remote_id", flat=True)
    )
    context = {
        "platform": platform,
        "label": provider_class.label,
        "candidates": [(item, item.remote_id in existing) for item in found],
        "error": error,
    }
    return render(request, "accounts/connect_choose.html", context)


@require_POST
def connect_choose_cancel(request, platform: str):
    flow.drop_choices(request)
    messages.info(request, "Nothing was added.")
    return redirect("accounts:list")


def _declined(request, label: str, error: str, description: str):
    if error == "access_denied":
        messages.warning(request, f"You declined the {label} connection, so nothing was saved.")
    else:
        detail = redact(f"{error}: {description}" if description else error)[:300]
        messages.error(request, f"{label} did not connect the account ({detail}). Nothing was saved.")
    return redirect("accounts:create")


def _reconnect_target(request, pending: flow.PendingFlow) -> SocialAccount | None:
    if pending.account_id is None:
        return None
    target = selectors.social_account_list(user=request.user).filter(pk=pending.account_id).first()
    if target is None:
        raise OAuthError("The account you were reconnecting no longer exists. Nothing was saved.")
    return target


def _same_account(found: list[OAuthAccount], target: SocialAccount, label: str) -> OAuthAccount:
    """The one of `found` that is `target` (Facebook Login returns every Page; reconnect wants one)."""
    for item in found:
        if item.remote_id == target.remote_id or (
            not target.remote_id and item.username.lower() == target.username.lower()
        ):
            return item
    if len(found) == 1 and not target.remote_id:
        return found[0]
    names = ", ".join(item.username for item in found)
    raise OAuthError(
        f"@{target.username} was not among the {label} accounts you shared ({names}). Connect again and "
        f"choose @{target.username}. Nothing was saved."
    )


def _connect(request, platform: str, found: list[OAuthAccount], target: SocialAccount | None):
    try:
        with transaction.atomic():  # several Pages: all or none
            stored = [
                services.social_account_connect(owner=request.user, platform=platform, connected=item, account=target)
                for item in found
            ]
    except ValidationError as exc:
        messages.error(request, f"Could not save the account: {' '.join(exc.messages)}")
        return redirect("accounts:create")
    names = ", ".join(str(account) for account, _ in stored)
    verb = "Connected" if all(created for _, created in stored) else "Reconnected"
    messages.success(request, f"{verb} {names}.")
    if platform in ("youtube", "tiktok") and any(not account.refresh_token for account, _ in stored):
        messages.warning(
            request,
            "The platform sent no refresh token, so this connection will stop working when its access token "
            "expires. Remove ReelMill's access in your account's security settings and connect again.",
        )
    return redirect("accounts:list")
