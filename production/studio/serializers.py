from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from accounts.platforms import Platform
from production.studio.models import (
    MAX_SPEED,
    MAX_TOPIC,
    MIN_SPEED,
    Avatar,
    AvatarPlacement,
    GenerationJob,
    PromptTemplate,
    Provider,
    ProviderKey,
    Script,
    TemplateCategory,
    VisualSource,
    Voice,
    VoiceOver,
)
from production.studio.services.scripts import SCRIPT_ENGINES


class ProviderKeySerializer(serializers.ModelSerializer):
    """A key as the API shows it: never the secret itself."""

    has_key = serializers.BooleanField(source="has_secret", read_only=True)

    class Meta:
        model = ProviderKey
        fields = [
            "id",
            "provider",
            "label",
            "base_url",
            "has_key",
            "default_model",
            "default_voice",
            "is_default",
            "status",
            "last_tested_at",
            "last_error",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProviderKeyInputSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=Provider.choices)
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    api_key = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", write_only=True, trim_whitespace=False
    )
    base_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    default_model = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    default_voice = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_default = serializers.BooleanField(required=False, allow_null=True, default=None)


class ProviderKeyUpdateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100, required=False)
    api_key = serializers.CharField(max_length=500, required=False, allow_blank=True, write_only=True)
    base_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    default_model = serializers.CharField(max_length=200, required=False, allow_blank=True)
    default_voice = serializers.CharField(max_length=200, required=False, allow_blank=True)


class KeyTestSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, help_text="The key to test")


class StudioUsageByProviderSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=Provider.choices)
    calls = serializers.IntegerField()
    cost_usd = serializers.DecimalField(max_digits=12, decimal_places=4)
    tokens = serializers.IntegerField()
    characters = serializers.IntegerField()


class StudioUsageSerializer(serializers.Serializer):
    budget_usd = serializers.DecimalField(max_digits=12, decimal_places=2)
    spent_usd = serializers.DecimalField(max_digits=12, decimal_places=4)
    remaining_usd = serializers.DecimalField(max_digits=12, decimal_places=4)
    calls = serializers.IntegerField()
    by_provider = StudioUsageByProviderSerializer(many=True)


class PromptTemplateSerializer(serializers.ModelSerializer):
    builtin = serializers.BooleanField(source="is_builtin", read_only=True)

    class Meta:
        model = PromptTemplate
        fields = [
            "id",
            "name",
            "slug",
            "category",
            "description",
            "instructions",
            "target_seconds",
            "language",
            "version",
            "builtin",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "slug", "version", "builtin", "created_at", "updated_at"]


class PromptTemplateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    category = serializers.ChoiceField(choices=TemplateCategory.choices)
    instructions = serializers.CharField(max_length=4000)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    target_seconds = serializers.IntegerField(min_value=5, max_value=600, required=False, default=30)
    language = serializers.CharField(max_length=12, required=False, default="en")


class SceneSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=1000)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=10, required=False, default=list
    )
    seconds = serializers.FloatField(read_only=True)


class ScriptSerializer(serializers.ModelSerializer):
    template_name = serializers.CharField(source="template.name", read_only=True, default=None)
    scenes = SceneSerializer(many=True, read_only=True)
    spoken_text = serializers.CharField(read_only=True)

    class Meta:
        model = Script
        fields = [
            "id",
            "topic",
            "template",
            "template_name",
            "template_version",
            "inputs",
            "engine",
            "model",
            "title",
            "hook",
            "scenes",
            "call_to_action",
            "captions",
            "word_count",
            "estimated_seconds",
            "spoken_text",
            "status",
            "error",
            "notes",
            "edited",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# The writers a script or generation job can ask for (schema enum "ScriptWriterEnum").
# The output presets a generation job renders for (schema enum "OutputPresetEnum").
OUTPUT_PRESET_CHOICES = ["tiktok", "youtube_shorts", "instagram_reels", "facebook_reels", "youtube"]
SCRIPT_WRITER_CHOICES = [
    (engine, {"template": "Offline template writer", **dict(Provider.choices)}[engine]) for engine in SCRIPT_ENGINES
]


class ScriptGenerateSerializer(serializers.Serializer):
    """Write a script from a topic (offline by default), or split your own `text` into scenes."""

    topic = serializers.CharField(max_length=MAX_TOPIC, required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=False, trim_whitespace=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    template = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    provider = serializers.ChoiceField(
        choices=SCRIPT_WRITER_CHOICES,
        required=False,
        allow_null=True,
        default=None,
        help_text="template = offline; omitted = your default LLM key, else offline",
    )
    key = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    model = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    style = serializers.CharField(max_length=60, required=False, allow_blank=True, default="", help_text="Tone")
    product = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    audience = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    duration = serializers.IntegerField(min_value=5, max_value=600, required=False, allow_null=True, default=None)
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, allow_blank=True, default="")
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, default=0)
    regenerate = serializers.BooleanField(required=False, default=False)

    def validate_text(self, value: str) -> str:
        limit = settings.STUDIO_MAX_TEXT_CHARACTERS
        if len(value) > limit:
            raise serializers.ValidationError(f"At most {limit:,} characters (this has {len(value):,}).")
        return value

    def validate(self, data: dict) -> dict:
        if not data.get("text") and not data.get("topic", "").strip():
            raise serializers.ValidationError({"topic": ["Give a topic, or your own text."]})
        return data


class ScriptUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    hook = serializers.CharField(max_length=500, required=False, allow_blank=True)
    scenes = SceneSerializer(many=True, required=False)
    call_to_action = serializers.CharField(max_length=300, required=False, allow_blank=True)
    captions = serializers.DictField(required=False)


class VoiceSerializer(serializers.ModelSerializer):
    preview_url = serializers.SerializerMethodField()
    offline = serializers.SerializerMethodField()

    class Meta:
        model = Voice
        fields = [
            "id",
            "engine",
            "voice_id",
            "name",
            "language",
            "gender",
            "tags",
            "description",
            "licence",
            "offline",
            "preview_url",
        ]
        read_only_fields = fields

    def get_preview_url(self, voice: Voice) -> str | None:
        return voice.preview.url if voice.preview else None

    def get_offline(self, voice: Voice) -> bool:
        from production.studio.services.voices import LOCAL_ENGINES

        return voice.engine in LOCAL_ENGINES


class WordSerializer(serializers.Serializer):
    text = serializers.CharField()
    start = serializers.FloatField()
    end = serializers.FloatField()


class VoiceOverSerializer(serializers.ModelSerializer):
    voice = VoiceSerializer(read_only=True)
    asset = serializers.IntegerField(source="asset_id", read_only=True, allow_null=True)
    audio_url = serializers.SerializerMethodField()
    duration_seconds = serializers.FloatField(source="asset.duration_seconds", read_only=True, default=None)

    class Meta:
        model = VoiceOver
        fields = [
            "id",
            "script",
            "voice",
            "text",
            "speed",
            "status",
            "progress",
            "error",
            "asset",
            "audio_url",
            "duration_seconds",
            "timing_source",
            "aligned_share",
            "synthesis_seconds",
            "alignment_seconds",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_audio_url(self, voice_over: VoiceOver) -> str | None:
        asset = voice_over.asset
        return asset.file.url if asset is not None and asset.file else None


class VoiceOverTimingsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    timing_source = serializers.CharField()
    duration_seconds = serializers.FloatField(allow_null=True)
    words = WordSerializer(many=True)


class VoiceOverCreateSerializer(serializers.Serializer):
    """Voice a script, or free text. `voice` omitted = the offline voice."""

    script = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    text = serializers.CharField(required=False, allow_null=True, default=None, trim_whitespace=False)
    voice = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    speed = serializers.FloatField(min_value=MIN_SPEED, max_value=MAX_SPEED, required=False, default=1.0)
    regenerate = serializers.BooleanField(required=False, default=False)

    def validate_text(self, value: str | None) -> str | None:
        limit = settings.STUDIO_MAX_TEXT_CHARACTERS
        if value is not None and len(value) > limit:
            raise serializers.ValidationError(f"At most {limit:,} characters (this has {len(value):,}).")
        return value

    def validate(self, data: dict) -> dict:
        if (data.get("script") is None) == (data.get("text") is None):
            raise serializers.ValidationError({"text": ["Give either a script id or text to voice, not both."]})
        return data


class AvatarSerializer(serializers.ModelSerializer):
    class Meta:
        model = Avatar
        fields = ["id", "name", "asset", "placement", "corner", "size", "created_at", "updated_at"]
        read_only_fields = fields


class AvatarInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    asset = serializers.IntegerField(min_value=1, help_text="A video or image of yours: the presenter")
    placement = serializers.ChoiceField(choices=AvatarPlacement.choices, required=False, default="pip")
    corner = serializers.ChoiceField(
        choices=["top_left", "top_right", "bottom_left", "bottom_right"], required=False, default="bottom_right"
    )
    size = serializers.FloatField(min_value=0.1, max_value=0.6, required=False, default=0.3)


class GenerationJobCreateSerializer(serializers.Serializer):
    """A topic (or one of your scripts) → a rendered, optionally published video."""

    topic = serializers.CharField(max_length=MAX_TOPIC, required=False, allow_blank=True, default="")
    script = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    template = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    provider = serializers.ChoiceField(choices=SCRIPT_WRITER_CHOICES, required=False, allow_null=True, default=None)
    style = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    audience = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    product = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    duration = serializers.IntegerField(min_value=5, max_value=600, required=False, allow_null=True, default=None)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, default=0)
    voice = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    speed = serializers.FloatField(min_value=MIN_SPEED, max_value=MAX_SPEED, required=False, default=1.0)
    visual_source = serializers.ChoiceField(choices=VisualSource.choices, required=False, default="library")
    avatar = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    music = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    platform = serializers.ChoiceField(
        choices=OUTPUT_PRESET_CHOICES,
        required=False,
        default="tiktok",
    )
    caption_style = serializers.DictField(required=False, allow_null=True, default=None)
    target_accounts = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=50
    )

    def validate(self, data: dict) -> dict:
        if not data.get("script") and not data.get("topic", "").strip():
            raise serializers.ValidationError({"topic": ["Give a topic, or one of your scripts."]})
        return data


class GenerationJobSerializer(serializers.ModelSerializer):
    step_label = serializers.CharField(source="get_step_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.SerializerMethodField()
    queue_id = serializers.UUIDField(source="queue_item.queue_id", read_only=True, default=None)
    video = serializers.SerializerMethodField()
    target_accounts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = GenerationJob
        fields = [
            "id",
            "topic",
            "template",
            "script",
            "voice",
            "voice_over",
            "visual_source",
            "avatar",
            "platform",
            "target_accounts",
            "status",
            "status_label",
            "step",
            "step_label",
            "percent",
            "error",
            "results",
            "provenance",
            "queue_id",
            "video",
            "attempts",
            "inputs",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_percent(self, job: GenerationJob) -> int:
        from production.studio.selectors import generation_job_percent

        return generation_job_percent(job)

    def get_video(self, job: GenerationJob) -> dict | None:
        item = job.queue_item
        asset = item.output_asset if item is not None else None
        if asset is None or not asset.file:
            return None
        return {
            "asset": asset.pk,
            "url": asset.file.url,
            "thumbnail_url": asset.thumbnail.url if asset.thumbnail else None,
            "duration_seconds": asset.duration_seconds,
        }


class SwapVisualSerializer(serializers.Serializer):
    scene = serializers.IntegerField(min_value=0)
    asset = serializers.IntegerField(min_value=1)


class VisualCandidateSerializer(serializers.Serializer):
    asset = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    score = serializers.FloatField()
    reason = serializers.CharField()
    thumbnail_url = serializers.CharField(allow_null=True)


class QuickGenerateSerializer(serializers.Serializer):
    """Seed 004's quick verb: a quote video, a visual prompt, or a whole video from a category."""

    type = serializers.ChoiceField(choices=["quote", "visual_prompt", "video"])
    category = serializers.ChoiceField(choices=TemplateCategory.choices, required=False, default="tips")
    topic = serializers.CharField(max_length=MAX_TOPIC)
    platform = serializers.ChoiceField(
        choices=OUTPUT_PRESET_CHOICES,
        required=False,
        default="tiktok",
    )


class VisualPromptSerializer(serializers.Serializer):
    type = serializers.CharField()
    topic = serializers.CharField()
    prompt = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
