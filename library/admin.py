from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from common.errors import ApplicationError
from library import services
from library.files import asset_file_response
from library.models import MediaAsset, normalize_tags


class MediaAssetAdminForm(forms.ModelForm):
    class Meta:
        model = MediaAsset
        fields = ["title", "description", "tags", "category", "mood", "platform", "license_note", "royalty_free"]
        fields += ["status", "rejection_reason"]

    def clean_tags(self):
        tags = self.cleaned_data.get("tags")
        if not isinstance(tags, list):
            raise ValidationError('Tags are a JSON list, e.g. ["summer", "dance"].')
        return normalize_tags(tags)


@admin.register(MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    form = MediaAssetAdminForm
    list_display = ("preview", "title", "kind", "status", "owner", "duration", "size_bytes", "times_used", "created_at")
    list_display_links = ("preview", "title")
    list_filter = (
        "kind",
        "status",
        "source",
        "orientation",
        "royalty_free",
        ("owner", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "tag_index", "original_filename", "checksum", "owner__username")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    actions = ["reprobe"]
    readonly_fields = (
        "preview_large",
        "file",
        "thumbnail",
        "checksum",
        "size_bytes",
        "duration_seconds",
        "width",
        "height",
        "fps",
        "container",
        "video_codec",
        "audio_codec",
        "has_video",
        "has_audio",
        "orientation",
        "source",
        "source_url",
        "original_filename",
        "times_used",
        "last_used_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("preview_large", "owner", "kind", "title", "description", "tags")}),
        ("Labels", {"fields": ("category", "mood", "platform", "license_note", "royalty_free")}),
        ("Status", {"fields": ("status", "rejection_reason", "times_used", "last_used_at")}),
        (
            "File",
            {
                "fields": (
                    "file",
                    "thumbnail",
                    "original_filename",
                    "source",
                    "source_url",
                    "checksum",
                    "size_bytes",
                    "duration_seconds",
                    ("width", "height", "fps", "orientation"),
                    ("container", "video_codec", "audio_codec"),
                    ("has_video", "has_audio"),
                )
            },
        ),
        ("Times", {"fields": ("created_at", "updated_at")}),
    )

    def get_urls(self):
        view = self.admin_site.admin_view(self.thumbnail_view)
        return [path("<int:pk>/thumbnail/", view, name="library_mediaasset_thumbnail"), *super().get_urls()]

    def thumbnail_view(self, request, pk: int):
        """Staff see every owner's thumbnails here (the dashboard serves owners only)."""
        return asset_file_response(get_object_or_404(MediaAsset, pk=pk), thumbnail=True)

    def _img(self, obj, width: int):
        if not obj.thumbnail:
            return "♪" if obj.kind == "audio" else "—"
        url = reverse("admin:library_mediaasset_thumbnail", args=[obj.pk])
        return format_html('<img src="{}" alt="" style="width:{}px;border-radius:4px">', url, width)

    @admin.display(description="Preview")
    def preview(self, obj):
        return self._img(obj, 64)

    @admin.display(description="Preview")
    def preview_large(self, obj):
        return self._img(obj, 240)

    @admin.display(description="Duration", ordering="duration_seconds")
    def duration(self, obj):
        return f"{obj.duration_seconds:.1f} s" if obj.duration_seconds else "—"

    def has_add_permission(self, request):
        return False  # files come in through upload, URL or folder import, which probe them

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "owner", "kind")

    def save_model(self, request, obj, form, change):
        obj.set_tags(obj.tags)  # keeps the tag index in step
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        try:
            services.media_asset_delete(asset=obj)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        for asset in queryset:
            self.delete_model(request, asset)

    @admin.action(description="Re-probe the selected assets (metadata and thumbnail)")
    def reprobe(self, request, queryset):
        done = 0
        for asset in queryset:
            try:
                services.media_asset_reprobe(asset=asset)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{asset}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, f"Re-probed {done} asset(s).", messages.SUCCESS)
