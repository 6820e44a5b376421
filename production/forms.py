"""Dashboard forms: campaign details, composition, slots, generate, batches, queue filters.

The forms check their own fields; whether a whole campaign makes sense (the template, the
slots, the policy) is decided by the services, and `production.editor` routes their errors
back onto these forms.
"""

from __future__ import annotations

import json

from django import forms

from accounts.models import SocialAccount
from accounts.platforms import Platform
from common.errors import ApplicationError
from library.models import MediaKind, Orientation
from production.models import Campaign, CampaignStatus, ContentType, DistributionStrategy, Priority, QueueStatus
from production.rendering import PRESETS
from production.services.campaigns import SLOT_KINDS, clean_slot

LAYOUT_CHOICES = [
    ("stacked", "Stacked: one above the other"),
    ("side_by_side", "Side by side"),
    ("picture_in_picture", "Picture in picture"),
    ("single", "Single clip"),
    ("sequence", "Sequence: one after another"),
]
PRESET_LABELS = {
    "tiktok": "TikTok (9:16, up to 10 min)",
    "youtube_shorts": "YouTube Shorts (9:16, up to 60 s)",
    "instagram_reels": "Instagram Reels (9:16, up to 90 s)",
    "facebook_reels": "Facebook Reels (9:16, up to 90 s)",
    "youtube": "YouTube (16:9)",
}
PRESET_CHOICES = [(name, PRESET_LABELS.get(name, name)) for name in PRESETS]
RESOLUTION_CHOICES = [("1080p", "1080p"), ("720p", "720p (faster)")]
ROYALTY_CHOICES = [("", "Any licence"), ("yes", "Royalty-free only"), ("no", "Not royalty-free")]
PRIORITY_CHOICES = [(p.value, p.label.title()) for p in Priority]
SLOT_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
# The slot editor's own filter fields; any other pick filter a slot has rides along in `extra`.
SLOT_FILTER_FIELDS = ("tags", "category", "mood", "orientation", "royalty_free")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class CampaignForm(forms.Form):
    """What a campaign is: everything except its composition and slots."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    starts_at = forms.DateTimeField(required=False, widget=_datetime_input(), label="Starts")
    ends_at = forms.DateTimeField(required=False, widget=_datetime_input(), label="Ends")
    content_type = forms.ChoiceField(choices=ContentType.choices, initial=ContentType.HOT_MASHUP)
    target_platforms = forms.MultipleChoiceField(
        choices=Platform.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    target_accounts = forms.ModelMultipleChoiceField(
        queryset=SocialAccount.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    videos_per_run = forms.IntegerField(min_value=1, max_value=100, initial=1)
    priority = forms.TypedChoiceField(choices=PRIORITY_CHOICES, coerce=int, initial=Priority.NORMAL)
    distribution_strategy = forms.ChoiceField(
        choices=DistributionStrategy.choices, initial=DistributionStrategy.ROUND_ROBIN
    )
    caption_template = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The post's text. Variables: {campaign}, {date}, {n} and each slot's asset title, e.g. {top}.",
    )
    hashtag_template = forms.CharField(
        required=False, max_length=1000, help_text="Space- or comma-separated, e.g. #fashion #{campaign}"
    )
    first_comment_template = forms.CharField(
        required=False,
        max_length=2200,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="First comment",
        help_text="Posted right after each video on YouTube, Facebook and Instagram (TikTok has no comments). "
        "Same variables and {a|b|c} alternatives as the caption.",
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.accounts = list(SocialAccount.objects.filter(owner=owner).order_by("platform", "username"))
        self.fields["target_accounts"].queryset = SocialAccount.objects.filter(owner=owner)
        for account in self.accounts:
            self.fields[f"weight_{account.pk}"] = forms.FloatField(
                required=False, min_value=0, max_value=1000, label=f"Weight of {account}"
            )
            self.fields[f"caption_{account.pk}"] = forms.CharField(
                required=False,
                max_length=5000,
                label=f"Caption for {account}",
                widget=forms.TextInput(attrs={"placeholder": "the campaign's caption"}),
            )
            self.fields[f"hashtags_{account.pk}"] = forms.CharField(
                required=False,
                max_length=1000,
                label=f"Hashtags for {account}",
                widget=forms.TextInput(attrs={"placeholder": "the campaign's hashtags"}),
            )

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict:
        initial = {name: getattr(campaign, name) for name in cls.base_fields if name != "target_accounts"}
        initial["target_accounts"] = [account.pk for account in campaign.target_accounts.all()]
        for key, weight in (campaign.account_weights or {}).items():
            initial[f"weight_{key}"] = weight
        for key, texts in (campaign.account_captions or {}).items():
            initial[f"caption_{key}"] = texts.get("caption", "")
            initial[f"hashtags_{key}"] = texts.get("hashtags", "")
        return initial

    def account_rows(self) -> list[tuple]:
        """(account, its target checkbox, its weight, caption and hashtags fields) for the accounts table."""
        boxes = {str(box.data["value"]): box for box in self["target_accounts"]}
        return [
            (
                account,
                boxes.get(str(account.pk)),
                self[f"weight_{account.pk}"],
                self[f"caption_{account.pk}"],
                self[f"hashtags_{account.pk}"],
            )
            for account in self.accounts
        ]

    def _captions(self) -> dict[str, dict[str, str]]:
        captions = {}
        for account in self.accounts:
            texts = {
                "caption": (self.cleaned_data.get(f"caption_{account.pk}") or "").strip(),
                "hashtags": (self.cleaned_data.get(f"hashtags_{account.pk}") or "").strip(),
            }
            if any(texts.values()):
                captions[str(account.pk)] = texts
        return captions

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "Must be after the start.")
        if cleaned.get("distribution_strategy") == DistributionStrategy.WEIGHTED and not self._weights():
            self.add_error(
                "distribution_strategy", "Weighted distribution needs a weight above 0 for a target account."
            )
        return cleaned

    def _weights(self) -> dict[str, float]:
        chosen = {account.pk for account in self.cleaned_data.get("target_accounts") or []}
        weights = {}
        for account in self.accounts:
            weight = self.cleaned_data.get(f"weight_{account.pk}")
            if account.pk in chosen and weight:
                weights[str(account.pk)] = weight
        return weights

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.base_fields}
        data["account_weights"] = self._weights()
        data["account_captions"] = self._captions()
        return data


class SlotForm(forms.Form):
    """One slot: what kind of asset fills it, and which ones qualify."""

    name = forms.RegexField(
        regex=SLOT_NAME_PATTERN,
        max_length=40,
        error_messages={"invalid": "Lower-case letters, digits and _, starting with a letter."},
        widget=forms.TextInput(attrs={"placeholder": "top", "size": 8}),
    )
    kind = forms.ChoiceField(choices=[(kind, MediaKind(kind).label) for kind in SLOT_KINDS])
    tags = forms.CharField(
        required=False, max_length=500, widget=forms.TextInput(attrs={"placeholder": "any of: trend, dance"})
    )
    category = forms.CharField(required=False, max_length=50)
    mood = forms.CharField(required=False, max_length=50)
    orientation = forms.ChoiceField(choices=[("", "Any shape"), *Orientation.choices], required=False)
    royalty_free = forms.ChoiceField(choices=ROYALTY_CHOICES, required=False, label="Licence")
    mute = forms.BooleanField(required=False, help_text="Silence this clip's own sound")
    loop = forms.BooleanField(required=False, help_text="Repeat the clip while the video lasts")
    extra = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.definition = clean_slot({"kind": cleaned["kind"], "filters": self._filters(cleaned)})
        except ApplicationError as exc:
            for field, messages in (exc.fields or {"": [exc.message]}).items():
                name = field.removeprefix("filters.")
                self.add_error(name if name in self.fields else None, messages)
        return cleaned

    def _filters(self, cleaned: dict) -> dict:
        try:
            filters = json.loads(cleaned.get("extra") or "{}")
        except ValueError:
            filters = None
        if not isinstance(filters, dict):
            raise forms.ValidationError("The slot's other filters are not readable; remove the slot and add it again.")
        tags = [tag.strip() for tag in (cleaned.get("tags") or "").split(",") if tag.strip()]
        if tags:
            filters["tags"] = tags
        for name in ("category", "mood", "orientation"):
            if cleaned.get(name):
                filters[name] = cleaned[name]
        if cleaned.get("royalty_free"):
            filters["royalty_free"] = cleaned["royalty_free"] == "yes"
        return filters

    @staticmethod
    def initial_for(name: str, definition: dict, clip: dict | None = None) -> dict:
        filters = dict(definition.get("filters") or {})
        royalty = filters.pop("royalty_free", None)
        clip = clip or {}
        return {
            "name": name,
            "kind": definition.get("kind"),
            "tags": ", ".join(filters.pop("tags", []) or []),
            "category": filters.pop("category", ""),
            "mood": filters.pop("mood", ""),
            "orientation": filters.pop("orientation", ""),
            "royalty_free": "" if royalty is None else ("yes" if royalty else "no"),
            "mute": bool(clip.get("mute")),
            "loop": bool(clip.get("loop")),
            "extra": json.dumps(filters) if filters else "",
        }


class BaseSlotFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for index, form in enumerate(self.forms):
            if not self._kept(index, form):
                continue
            name = form.cleaned_data["name"]
            if name in seen:
                form.add_error("name", f"Another slot is already called {name}.")
            seen.add(name)

    def rows(self) -> list[dict]:
        """The kept slots, in order: name, definition and the clip options."""
        return [
            {**form.cleaned_data, "definition": form.definition}
            for index, form in enumerate(self.forms)
            if self._kept(index, form)
        ]

    def _kept(self, index: int, form) -> bool:
        # Rows the page started with always count; added rows only once something is filled in.
        filled = index < self.initial_form_count() or form.has_changed()
        return filled and not self._should_delete_form(form)


SlotFormSet = forms.formset_factory(
    SlotForm, formset=BaseSlotFormSet, extra=0, can_delete=True, max_num=20, validate_max=True, absolute_max=40
)


class CompositionForm(forms.Form):
    """The video's recipe: a layout over the visual slots, music, captions; or raw JSON."""

    mode = forms.ChoiceField(
        choices=[("builder", "Editor"), ("advanced", "Advanced: edit the template JSON")],
        initial="builder",
        widget=forms.RadioSelect,
        label="How to define the video",
    )
    layout = forms.ChoiceField(choices=LAYOUT_CHOICES, initial="stacked")
    platform = forms.ChoiceField(choices=PRESET_CHOICES, initial="tiktok", label="Output preset")
    resolution = forms.ChoiceField(choices=RESOLUTION_CHOICES, initial="1080p")
    duration = forms.FloatField(
        required=False, min_value=0.5, max_value=43200, help_text="Seconds. Blank: as long as the shortest clip."
    )
    music = forms.BooleanField(required=False, initial=True, label="Background music from the audio slot")
    music_volume = forms.FloatField(min_value=0, max_value=2, initial=0.3, label="Music volume")
    music_fade_in = forms.FloatField(min_value=0, max_value=60, initial=1.0, label="Fade in (s)")
    music_fade_out = forms.FloatField(min_value=0, max_value=60, initial=1.0, label="Fade out (s)")
    captions = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "New drop!\nLink in bio"}),
        help_text="Burned into the video: one caption per line, shown in turn.",
    )
    template_json = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code"}),
        label="Composition template (JSON)",
        help_text='The renderer\'s spec; write "@slot" where an asset id goes, e.g. {"asset": "@top"}.',
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == "advanced":
            try:
                self.template = json.loads(cleaned.get("template_json") or "")
            except ValueError as exc:
                self.add_error("template_json", f"Not valid JSON: {exc}.")
            else:
                if not isinstance(self.template, dict):
                    self.add_error("template_json", "Must be a JSON object.")
        return cleaned


class GenerateForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=500, required=False, label="Videos")


class BatchForm(forms.Form):
    name = forms.CharField(max_length=200)
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), empty_label="Choose a campaign")
    count = forms.IntegerField(min_value=1, max_value=500, initial=10, label="Videos")
    concurrency_limit = forms.IntegerField(min_value=1, max_value=64, initial=2, label="Rendered at once")

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        campaigns = Campaign.objects.filter(owner=owner).exclude(status=CampaignStatus.ARCHIVED).order_by("name")
        self.fields["campaign"].queryset = campaigns


class QueueFilterForm(forms.Form):
    """The queue page's filters; anything invalid is ignored rather than shown as an error."""

    status = forms.ChoiceField(choices=QueueStatus.choices, required=False)
    priority = forms.TypedChoiceField(
        choices=[("", "Any priority"), *PRIORITY_CHOICES], coerce=int, required=False, empty_value=None
    )
    platform = forms.CharField(max_length=32, required=False)

    def filters(self) -> dict:
        self.is_valid()  # cleaned_data keeps only the fields that were valid
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
