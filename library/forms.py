from __future__ import annotations

from django import forms

from accounts.platforms import Platform
from library.filters import split_tags
from library.models import MediaAsset, MediaKind, Orientation

TAGS_HELP = "Comma-separated, e.g. summer, dance"
_BLANK = [("", "Any")]


class TagsInput(forms.CharField):
    """Tags typed as `a, b, c`; cleaned to a list (the service validates each one)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1500)
        kwargs.setdefault("help_text", TAGS_HELP)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value):
        return [tag for tag in (part.strip() for part in (super().clean(value) or "").split(",")) if tag]


class MediaAssetForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    tags = TagsInput()
    category = forms.CharField(required=False, max_length=50, help_text="e.g. fashion, upbeat, calm")
    mood = forms.CharField(required=False, max_length=50, help_text="For audio: energetic, relaxed…")
    platform = forms.ChoiceField(required=False, choices=[("", "Any platform"), *Platform.choices])
    license_note = forms.CharField(required=False, max_length=500, label="Licence note")
    royalty_free = forms.BooleanField(required=False, label="Royalty-free")

    @classmethod
    def for_asset(cls, asset: MediaAsset, data=None) -> MediaAssetForm:
        initial = {name: getattr(asset, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class UploadForm(forms.Form):
    file = forms.FileField()
    kind = forms.ChoiceField(choices=MediaKind.choices)
    tags = TagsInput()
    category = forms.CharField(required=False, max_length=50)


class ImportUrlForm(forms.Form):
    url = forms.URLField(max_length=2000, label="File URL", assume_scheme="https")
    kind = forms.ChoiceField(choices=MediaKind.choices)
    tags = TagsInput()


class FilterForm(forms.Form):
    search = forms.CharField(required=False, max_length=200, label="Search")
    kind = forms.ChoiceField(required=False, choices=_BLANK + MediaKind.choices)
    tags = forms.CharField(required=False, max_length=500, help_text="Any of, comma-separated")
    category = forms.CharField(required=False, max_length=50)
    mood = forms.CharField(required=False, max_length=50)
    orientation = forms.ChoiceField(required=False, choices=_BLANK + Orientation.choices)
    view = forms.ChoiceField(required=False, choices=[("grid", "Grid"), ("list", "List")])

    def selector_filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v and k != "view"}
        if "tags" in data:
            data["tags"] = split_tags(data["tags"])
        return data


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("tag", "Tag"), ("untag", "Untag"), ("delete", "Delete")])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={"required": "Select some assets."})
    tags = TagsInput()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is structurally fine here; ownership is the service's call (404 otherwise).
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") in ("tag", "untag") and not cleaned.get("tags"):
            self.add_error("tags", "Type the tags to add or remove.")
        return cleaned
