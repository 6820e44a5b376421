"""Query-string filters for the media API; the selector decides what each one means."""

from __future__ import annotations

from django_filters import rest_framework as filters

from accounts.platforms import Platform
from library import selectors
from library.models import MediaAsset, MediaKind, MediaSource, MediaStatus, Orientation


def split_tags(value: str | None) -> list[str]:
    return [" ".join(part.split()).lower() for part in (value or "").split(",") if part.strip()]


class MediaAssetFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=MediaKind.choices)
    status = filters.ChoiceFilter(choices=MediaStatus.choices)
    source = filters.ChoiceFilter(choices=MediaSource.choices)
    platform = filters.ChoiceFilter(choices=Platform.choices)
    orientation = filters.ChoiceFilter(choices=Orientation.choices)
    category = filters.CharFilter(max_length=50, help_text="Exact category, any case")
    mood = filters.CharFilter(max_length=50, help_text="Exact mood, any case")
    royalty_free = filters.BooleanFilter()
    tags = filters.CharFilter(max_length=500, help_text="Comma-separated: assets with ANY of these tags")
    tags_all = filters.CharFilter(max_length=500, help_text="Comma-separated: assets with ALL of these tags")
    duration_min = filters.NumberFilter(min_value=0, help_text="Seconds, inclusive")
    duration_max = filters.NumberFilter(min_value=0, help_text="Seconds, inclusive")
    search = filters.CharFilter(max_length=200, help_text="Words in the title, description, filename or tags")

    class Meta:
        model = MediaAsset
        fields: list[str] = []

    def selector_filters(self) -> dict:
        data = dict(self.form.cleaned_data)
        data["tags"] = split_tags(data.get("tags"))
        data["tags_all"] = split_tags(data.get("tags_all"))
        for name in ("duration_min", "duration_max"):
            if data.get(name) is not None:
                data[name] = float(data[name])
        return {key: value for key, value in data.items() if value not in (None, "", [])}

    def filter_queryset(self, queryset):
        return selectors.media_asset_filter(queryset, self.selector_filters())


class PickFilter(MediaAssetFilter):
    """The same filters for random picks, minus the ones the route fixes (kind, ready)."""


PickFilter.base_filters = {
    name: value for name, value in MediaAssetFilter.base_filters.items() if name not in ("kind", "status")
}
