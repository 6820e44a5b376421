from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from accounts.models import TIME_ZONE_CHOICES, SocialAccount, User
from accounts.platforms import PLATFORM_DEFAULTS


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional: for alerts and password resets.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]


class SocialAccountForm(forms.ModelForm):
    """Add/edit form. Credential fields are write-only: blank keeps what is stored."""

    password = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), help_text="Leave blank to keep the stored one."
    )
    access_token = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), help_text="Leave blank to keep the stored one."
    )
    refresh_token = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), help_text="Leave blank to keep the stored one."
    )
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES, initial="UTC", help_text="Daily limits reset at midnight here."
    )

    class Meta:
        model = SocialAccount
        fields = [
            "platform",
            "username",
            "display_name",
            "email",
            "verified",
            "time_zone",
            "remote_id",
            "hourly_upload_limit",
            "daily_upload_limit",
            "upload_cooldown_minutes",
            "posting_window_start",
            "posting_window_end",
            "jitter_minutes",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "posting_window_start": forms.TimeInput(attrs={"type": "time"}),
            "posting_window_end": forms.TimeInput(attrs={"type": "time"}),
        }
        labels = {"remote_id": "Channel, Page or user id"}
        help_texts = {
            "remote_id": "YouTube channel id, TikTok open_id, Facebook Page id or Instagram user id. "
            "Filled in by Connect; needed by hand only for manual Facebook and Instagram accounts.",
            "hourly_upload_limit": "Blank: the platform's default.",
            "daily_upload_limit": "Blank: the platform's default.",
            "upload_cooldown_minutes": "Blank: the platform's default.",
            "posting_window_start": "Local time; blank start and end: post at any time.",
            "jitter_minutes": "Up to this many random extra minutes between posts.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("hourly_upload_limit", "daily_upload_limit", "upload_cooldown_minutes", "jitter_minutes"):
            self.fields[name].required = False
        if self.instance.pk:
            self.fields["platform"].disabled = True
        self.fields["platform"].widget.attrs["data-defaults"] = "1"

    def clean(self):
        cleaned = super().clean()
        hourly, daily = cleaned.get("hourly_upload_limit"), cleaned.get("daily_upload_limit")
        if hourly and daily and hourly > daily:
            self.add_error("hourly_upload_limit", "Cannot be more than the daily limit.")
        if (cleaned.get("posting_window_start") is None) != (cleaned.get("posting_window_end") is None):
            self.add_error("posting_window_end", "Give both ends of the posting window, or neither.")
        return cleaned

    def _post_clean(self):
        # Validation of the whole model happens in the service; the form checks its fields.
        pass

    def service_kwargs(self) -> dict:
        # A blank limit means "the platform's default" (create) or "unchanged" (edit).
        # A blank posting window means "any time", so it is passed on to clear a stored one.
        keep_blank = {"posting_window_start", "posting_window_end"}
        return {k: v for k, v in self.cleaned_data.items() if k != "platform" and (v is not None or k in keep_blank)}


def platform_defaults_table() -> list[dict]:
    return [
        {
            "platform": platform,
            "hourly": d.hourly_upload_limit,
            "daily": d.daily_upload_limit,
            "cooldown": d.upload_cooldown_minutes,
        }
        for platform, d in PLATFORM_DEFAULTS.items()
    ]
