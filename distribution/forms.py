"""Dashboard forms: the Uploads page's filters and "publish this video"."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from accounts.models import AccountStatus, SocialAccount
from accounts.platforms import Platform
from accounts.selectors import social_account_list
from distribution.models import FIRST_COMMENT_MAX_LENGTH, Privacy, UploadStatus

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def account_label(account: SocialAccount) -> str:
    return f"{account.get_platform_display()} @{account.username}"


def _submitting() -> forms.Select:
    return forms.Select(attrs={"onchange": "this.form.requestSubmit()"})


class UploadFilterForm(forms.Form):
    """The Uploads page's filters; anything invalid is ignored rather than shown as an error."""

    status = forms.ChoiceField(choices=[("", "Any"), *UploadStatus.choices], required=False, widget=_submitting())
    platform = forms.ChoiceField(choices=[("", "Any"), *Platform.choices], required=False, widget=_submitting())
    account = forms.ModelChoiceField(
        queryset=SocialAccount.objects.none(), required=False, empty_label="Any", widget=_submitting()
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = social_account_list(user=owner).order_by("platform", "username")
        self.fields["account"].label_from_instance = account_label

    def filters(self) -> dict:
        self.is_valid()  # cleaned_data keeps only the fields that were valid
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        if "account" in data:
            data["account_id"] = data.pop("account").pk
        return data


class AccountChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, account: SocialAccount) -> str:
        return account_label(account)


class PublishForm(forms.Form):
    """Where one ready video goes: chosen accounts and/or the best account of some platforms."""

    accounts = AccountChoiceField(
        queryset=SocialAccount.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    platforms = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple, label="Best account per platform"
    )
    privacy = forms.ChoiceField(choices=Privacy.choices, initial=Privacy.PUBLIC)
    scheduled_at = forms.DateTimeField(
        required=False,
        label="Schedule for",
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    first_comment = forms.CharField(
        required=False,
        max_length=FIRST_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Posted right after the video on YouTube, Facebook and Instagram (TikTok has no comments). "
        "Empty: the campaign's first comment, if it has one.",
    )
    synthetic = forms.BooleanField(
        required=False,
        label="Made with AI",
        help_text="Label the post as AI-generated content (always on for videos from the AI studio).",
    )

    def __init__(self, *args, owner, time_zone: ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        # Only accounts a platform would take a post from: the others need Connect first.
        active = [
            account
            for account in social_account_list(user=owner)
            .filter(status=AccountStatus.ACTIVE)
            .order_by("platform", "username")
            if not account.connection_problem()
        ]
        self.fields["accounts"].queryset = SocialAccount.objects.filter(pk__in=[a.pk for a in active])
        self.fields["accounts"].choices = [(a.pk, account_label(a)) for a in active]
        present = {a.platform for a in active}
        self.fields["platforms"].choices = [(value, label) for value, label in Platform.choices if value in present]
        self.fields[
            "scheduled_at"
        ].help_text = f"In your time zone ({time_zone}). Empty: as soon as each account's limits allow."

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value is None:
            return None
        # The field read the wall time in the server's zone; it was meant in the user's.
        local = timezone.make_aware(timezone.make_naive(value), self.time_zone)
        if local < timezone.now():
            raise forms.ValidationError("Pick a time in the future.")
        return local

    def clean(self):
        data = super().clean()
        if not data.get("accounts") and not data.get("platforms") and not self.has_error("accounts"):
            raise forms.ValidationError("Choose at least one account, or a platform to use its best account.")
        return data
