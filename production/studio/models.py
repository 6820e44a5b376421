"""The studio's data: provider keys and their usage, prompt templates, scripts, voices, voice-overs."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_cryptography.fields import encrypt

from common.models import TimeStampedModel

MAX_TOPIC = 300
MAX_SCENES = 40
MIN_SPEED = 0.5
MAX_SPEED = 2.0


class Provider(models.TextChoices):
    OPENAI = "openai", "OpenAI"
    OPENAI_COMPATIBLE = "openai_compatible", "OpenAI-compatible server"
    ELEVENLABS = "elevenlabs", "ElevenLabs"


class Engine(models.TextChoices):
    """Who does the work: a provider with a key, or an engine on this machine."""

    TEMPLATE = "template", "Template writer (offline)"
    TEXT = "text", "Your own words"
    PIPER = "piper", "Piper (offline)"
    ESPEAK = "espeak", "espeak-ng (offline)"
    OPENAI = "openai", "OpenAI"
    OPENAI_COMPATIBLE = "openai_compatible", "OpenAI-compatible server"
    ELEVENLABS = "elevenlabs", "ElevenLabs"


class KeyStatus(models.TextChoices):
    UNTESTED = "untested", "Untested"
    SUCCESS = "success", "Working"
    FAILED = "failed", "Failed"


class ProviderKey(TimeStampedModel):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_keys")
    provider = models.CharField(max_length=24, choices=Provider.choices)
    label = models.CharField(max_length=100)
    # Required for openai_compatible (e.g. http://127.0.0.1:11434/v1); blank = the provider's own.
    base_url = models.CharField(max_length=500, blank=True)
    # Encrypted with ACCOUNT_ENCRYPTION_KEY; write-only everywhere. Local servers may need none.
    api_key = encrypt(models.TextField(blank=True, default=""))
    default_model = models.CharField(max_length=200, blank=True)
    default_voice = models.CharField(max_length=200, blank=True)
    is_default = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=KeyStatus.choices, default=KeyStatus.UNTESTED)
    last_tested_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["provider", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "provider"],
                condition=models.Q(is_default=True),
                name="one_default_key_per_provider",
            ),
            models.UniqueConstraint(
                fields=["owner", "label"],
                name="unique_key_label_per_owner",
                violation_error_message="You already have a key with this label.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} · {self.label}"

    @property
    def has_secret(self) -> bool:
        return bool(self.api_key)


class StudioAllowance(TimeStampedModel):
    """What an operator grants one creator: a budget of their own, the site's keys."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="studio_allowance")
    # Estimated USD per calendar month; null = STUDIO_USER_MONTHLY_BUDGET_USD.
    monthly_budget_usd = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    use_operator_keys = models.BooleanField(
        default=False, help_text="Let this creator use the keys set in the environment (OPENAI_API_KEY…)."
    )

    def __str__(self) -> str:
        return f"Studio allowance of {self.user}"


class CallKind(models.TextChoices):
    CHAT = "chat", "Chat completion"
    SPEECH = "speech", "Speech"
    TEST = "test", "Key test"
    VOICES = "voices", "Voice list"


class ProviderCall(models.Model):
    """One call to an outside provider: what it used and what it is estimated to cost."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_calls")
    key = models.ForeignKey(ProviderKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls")
    provider = models.CharField(max_length=24, choices=Provider.choices)
    operator_key = models.BooleanField(default=False)
    kind = models.CharField(max_length=12, choices=CallKind.choices)
    model = models.CharField(max_length=200, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    characters = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    ok = models.BooleanField(default=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.kind} · {self.created_at:%Y-%m-%d %H:%M}"


class TemplateCategory(models.TextChoices):
    TIPS = "tips", "Tips / listicle"
    QUOTE = "quote", "Quote"
    PRODUCT = "product", "Product promo"
    STORY = "story", "Story"
    EXPLAINER = "explainer", "Explainer"
    NEWS = "news", "News"


class PromptTemplate(TimeStampedModel):
    """Instructions with {topic}, {product}, {audience}, {tone}; owner None = built in."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="prompt_templates"
    )
    slug = models.SlugField(max_length=80, blank=True, help_text="Stable name of a built-in template")
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=16, choices=TemplateCategory.choices)
    description = models.CharField(max_length=300, blank=True)
    instructions = models.TextField(max_length=4000)
    target_seconds = models.PositiveIntegerField(default=30, validators=[MinValueValidator(5), MaxValueValidator(600)])
    language = models.CharField(max_length=12, default="en")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["owner_id", "category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="unique_template_name_per_owner",
                violation_error_message="You already have a template with this name.",
            ),
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(owner__isnull=True), name="unique_builtin_template_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None


class ScriptStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    GENERATING = "generating", "Writing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Script(TimeStampedModel):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scripts")
    topic = models.CharField(max_length=MAX_TOPIC)
    template = models.ForeignKey(PromptTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    template_version = models.PositiveIntegerField(null=True, blank=True)
    # What was asked: style/tone, product, audience, target seconds, platform, seed, pasted text.
    inputs = models.JSONField(default=dict, blank=True)
    engine = models.CharField(max_length=24, choices=Engine.choices, default=Engine.TEMPLATE)
    key = models.ForeignKey(ProviderKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    model = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    hook = models.CharField(max_length=500, blank=True)
    # [{"text", "keywords": [...], "seconds"}]
    scenes = models.JSONField(default=list, blank=True)
    call_to_action = models.CharField(max_length=300, blank=True)
    # {"tiktok": {"caption", "hashtags": [...]}, ...}
    captions = models.JSONField(default=dict, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    estimated_seconds = models.FloatField(default=0)
    status = models.CharField(max_length=12, choices=ScriptStatus.choices, default=ScriptStatus.QUEUED)
    error = models.CharField(max_length=1000, blank=True)
    notes = models.CharField(max_length=500, blank=True, help_text="What the writer says about its work")
    edited = models.BooleanField(default=False)
    cache_key = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title or self.topic

    @property
    def spoken_text(self) -> str:
        """Everything the voice says, in order: hook, scenes, call to action."""
        parts = [self.hook, *(scene.get("text", "") for scene in self.scenes), self.call_to_action]
        return "\n\n".join(part.strip() for part in parts if part and part.strip())


class Voice(TimeStampedModel):
    """A voice ReelMill can speak with; owner None = on this machine or from an operator key."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="voices"
    )
    engine = models.CharField(max_length=24, choices=Engine.choices)
    key = models.ForeignKey(ProviderKey, on_delete=models.CASCADE, null=True, blank=True, related_name="voices")
    voice_id = models.CharField(max_length=200, help_text="The engine's own name for the voice")
    name = models.CharField(max_length=120)
    language = models.CharField(max_length=16, blank=True)
    gender = models.CharField(max_length=16, blank=True)
    tags = models.JSONField(default=list, blank=True)
    description = models.CharField(max_length=300, blank=True)
    licence = models.CharField(max_length=120, blank=True)
    available = models.BooleanField(default=True)
    preview = models.FileField(max_length=255, blank=True)

    class Meta:
        ordering = ["engine", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "engine", "key", "voice_id"],
                name="unique_voice_per_source",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_engine_display()})"


class VoiceOverStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SYNTHESIZING = "synthesizing", "Voicing"
    ALIGNING = "aligning", "Timing words"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class TimingSource(models.TextChoices):
    PROVIDER = "provider", "From the voice provider"
    ALIGNMENT = "alignment", "Aligned to the audio"
    MIXED = "mixed", "Aligned, some words estimated"
    ESTIMATED = "estimated", "Estimated from text length"


class VoiceOver(TimeStampedModel):
    """Text spoken by a voice: the audio is a library asset (kind voice_over) carrying word timings."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voice_overs")
    script = models.ForeignKey(Script, on_delete=models.SET_NULL, null=True, blank=True, related_name="voice_overs")
    voice = models.ForeignKey(Voice, on_delete=models.PROTECT, related_name="voice_overs")
    text = models.TextField()
    speed = models.FloatField(default=1.0, validators=[MinValueValidator(MIN_SPEED), MaxValueValidator(MAX_SPEED)])
    status = models.CharField(max_length=14, choices=VoiceOverStatus.choices, default=VoiceOverStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=1000, blank=True)
    asset = models.ForeignKey(
        "library.MediaAsset", on_delete=models.SET_NULL, null=True, blank=True, related_name="voice_overs"
    )
    timing_source = models.CharField(max_length=12, choices=TimingSource.choices, blank=True)
    aligned_share = models.FloatField(null=True, blank=True, help_text="Share of words placed by alignment")
    synthesis_seconds = models.FloatField(null=True, blank=True)
    alignment_seconds = models.FloatField(null=True, blank=True)
    cache_key = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return f"Voice-over #{self.pk} ({self.voice.name})"


class AvatarPlacement(models.TextChoices):
    PIP = "pip", "Picture in picture"
    FULL = "full", "Full frame between scenes"


class Avatar(TimeStampedModel):
    """A presenter the creator owns (a video or image from their library), shown while the voice speaks."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="avatars")
    name = models.CharField(max_length=120)
    asset = models.ForeignKey("library.MediaAsset", on_delete=models.PROTECT, related_name="avatars")
    placement = models.CharField(max_length=8, choices=AvatarPlacement.choices, default=AvatarPlacement.PIP)
    corner = models.CharField(max_length=16, default="bottom_right")
    size = models.FloatField(default=0.3, validators=[MinValueValidator(0.1), MaxValueValidator(0.6)])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="unique_avatar_name_per_owner",
                violation_error_message="You already have an avatar with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class VisualSource(models.TextChoices):
    LIBRARY = "library", "My library"
    AI_IMAGES = "ai_images", "AI images"
    BOTH = "both", "Library, then AI images"


class GenerationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Working"
    RENDERING = "rendering", "Rendering"
    COMPLETED = "completed", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class GenerationStep(models.TextChoices):
    SCRIPT = "script", "Writing the script"
    VOICE = "voice", "Voicing and timing words"
    VISUALS = "visuals", "Choosing visuals"
    SPEC = "spec", "Composing the video"
    QUEUE = "queue", "Queueing the render"
    RENDER = "render", "Rendering"
    PUBLISH = "publish", "Publishing"
    DONE = "done", "Done"


STEP_ORDER = [step.value for step in GenerationStep]
# Percent of the whole job reached when each step starts.
STEP_PERCENT = {
    "script": 0,
    "voice": 10,
    "visuals": 35,
    "spec": 40,
    "queue": 45,
    "render": 50,
    "publish": 90,
    "done": 100,
}


class GenerationJob(TimeStampedModel):
    """A topic (or a script) on its way to a rendered, optionally published video; each step persisted."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_jobs")
    topic = models.CharField(max_length=MAX_TOPIC, blank=True)
    template = models.ForeignKey(PromptTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # What was asked: writer/provider, tone, audience, product, duration, seed, speed, caption style, music.
    inputs = models.JSONField(default=dict, blank=True)
    script = models.ForeignKey(Script, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs")
    voice = models.ForeignKey(Voice, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs")
    visual_source = models.CharField(max_length=12, choices=VisualSource.choices, default=VisualSource.LIBRARY)
    avatar = models.ForeignKey(Avatar, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs")
    platform = models.CharField(max_length=32, default="tiktok")
    target_accounts = models.ManyToManyField("accounts.SocialAccount", blank=True, related_name="generation_jobs")
    campaign = models.ForeignKey(
        "production.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="generation_jobs"
    )
    status = models.CharField(max_length=12, choices=GenerationStatus.choices, default=GenerationStatus.QUEUED)
    step = models.CharField(max_length=12, choices=GenerationStep.choices, default=GenerationStep.SCRIPT)
    percent = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=1000, blank=True)
    # Each finished step's result: {"script": {...}, "voice": {...}, "visuals": [...], "spec": {...}, ...}
    results = models.JSONField(default=dict, blank=True)
    voice_over = models.ForeignKey(VoiceOver, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs")
    queue_item = models.ForeignKey(
        "production.QueueItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="generation_jobs"
    )
    provenance = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"Generation #{self.pk}: {self.topic or 'script'}"
