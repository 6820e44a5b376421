"""Dashboard forms of the studio: write a script, edit it, voice it, make a video, avatars, provider keys.

The forms check the shape of what was typed; the services decide whether it makes sense, and
`add_service_error` routes their `ApplicationError.fields` back onto the fields people see.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import User
from common.errors import ApplicationError
from library.models import MediaKind
from production.studio import selectors
from production.studio.models import (
    MAX_SPEED,
    MAX_TOPIC,
    MIN_SPEED,
    AvatarPlacement,
    Provider,
    ProviderKey,
    Script,
    ScriptStatus,
    TemplateCategory,
)
from production.studio.services.keys import LLM_PROVIDERS, default_llm_provider, operator_key, operator_keys_allowed
from production.studio.types import WORDS_PER_SECOND

OFFLINE_WRITER = "template"
OFFLINE_WRITER_LABEL = "Offline template writer (no AI, free)"
# The platforms a script's captions are written for (the sandbox is for testing uploads).
CAPTION_PLATFORMS = [("tiktok", "TikTok"), ("youtube", "YouTube"), ("instagram", "Instagram"), ("facebook", "Facebook")]
DURATION_CHOICES = [(15, "15 seconds"), (30, "30 seconds"), (45, "45 seconds"), (60, "1 minute"), (90, "90 seconds")]
MAX_SEED = 2**31 - 1


def add_service_error(form: forms.BaseForm, exc: ApplicationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's readable error on the form: on the fields it names, else above the form."""
    aliases = aliases or {}
    placed: set[str] = set()
    for name, errors in exc.fields.items():
        field = aliases.get(name, name)
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
            placed.update(errors)
    if exc.message not in placed:
        form.add_error(None, exc.message)


# --- writing a script ------------------------------------------------------------------------


def template_choices(user: User) -> list:
    """Built-in starters and the user's own templates, grouped by category, for a <select>."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for template in selectors.prompt_template_list(user=user):
        label = template.name if template.is_builtin else f"{template.name} (mine)"
        groups.setdefault(template.category, []).append((str(template.pk), label))
    labels = dict(TemplateCategory.choices)
    return [(labels.get(category, category), options) for category, options in groups.items()]


def writer_choices(user: User) -> list[tuple[str, str]]:
    """The offline writer always; then each of the user's LLM keys; then the site's key if granted."""
    choices = [(OFFLINE_WRITER, OFFLINE_WRITER_LABEL)]
    keys = [key for key in selectors.provider_key_list(user=user) if key.provider in LLM_PROVIDERS]
    for key in keys:
        model = f"{key.default_model}, " if key.default_model else ""
        choices.append((f"key:{key.pk}", f"AI: {key.label} ({model}{key.get_provider_display()})"))
    has_own_openai = any(key.provider == Provider.OPENAI for key in keys)
    if not has_own_openai and operator_keys_allowed(user) and operator_key(Provider.OPENAI) is not None:
        choices.append((Provider.OPENAI.value, "AI: OpenAI (this site's key)"))
    return choices


class ScriptTopicForm(forms.Form):
    topic = forms.CharField(
        max_length=MAX_TOPIC,
        label="Topic",
        widget=forms.TextInput(attrs={"placeholder": "e.g. home coffee brewing", "autocomplete": "off"}),
    )
    template = forms.ChoiceField(label="Template", required=False)
    writer = forms.ChoiceField(label="Writer")
    tone = forms.CharField(
        max_length=60, required=False, label="Tone", widget=forms.TextInput(attrs={"placeholder": "e.g. friendly"})
    )
    audience = forms.CharField(
        max_length=200,
        required=False,
        label="Audience",
        widget=forms.TextInput(attrs={"placeholder": "e.g. busy parents"}),
    )
    product = forms.CharField(
        max_length=200,
        required=False,
        label="Product",
        widget=forms.TextInput(attrs={"placeholder": "optional: what you are promoting"}),
    )
    duration = forms.TypedChoiceField(label="Length", choices=DURATION_CHOICES, coerce=int, initial=30)
    platform = forms.ChoiceField(label="Platform", required=False, choices=[("", "Any platform"), *CAPTION_PLATFORMS])
    seed = forms.IntegerField(
        label="Variation",
        min_value=0,
        max_value=MAX_SEED,
        required=False,
        initial=0,
        help_text="Another number gives another wording of the same topic.",
    )
    model = forms.CharField(
        max_length=200,
        required=False,
        label="AI model",
        help_text="Only for AI writers; blank uses the model set on the key.",
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["template"].choices = [("", "No preference"), *template_choices(user)]
        self.fields["writer"].choices = writer_choices(user)
        self.fields["writer"].initial = self._default_writer()

    def _default_writer(self) -> str:
        provider = default_llm_provider(self.user)
        if provider is not None:
            key = selectors.provider_key_list(user=self.user).filter(provider=provider, is_default=True).first()
            if key is not None:
                return f"key:{key.pk}"
        return OFFLINE_WRITER

    @property
    def has_ai_writers(self) -> bool:
        return len(self.fields["writer"].choices) > 1

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        template = None
        if data["template"]:
            template = selectors.prompt_template_list(user=self.user).filter(pk=data["template"]).first()
        key, provider = None, data["writer"]
        if provider.startswith("key:"):
            key = selectors.provider_key_list(user=self.user).get(pk=int(provider.removeprefix("key:")))
            provider = key.provider
        return {
            "topic": data["topic"],
            "template": template,
            "provider": provider,
            "key": key,
            "tone": data["tone"],
            "audience": data["audience"],
            "product": data["product"],
            "target_seconds": data["duration"],
            "platform": data["platform"],
            "seed": data["seed"] or 0,
            "model": data["model"] if key is not None or provider != OFFLINE_WRITER else "",
        }

    # Service field names -> this form's fields.
    ALIASES = {"provider": "writer", "key": "writer", "target_seconds": "duration"}


class OwnWordsForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, label="Title", help_text="Optional.")
    text = forms.CharField(
        label="Your words",
        widget=forms.Textarea(attrs={"rows": 7, "placeholder": "Paste or type what the voice should say."}),
        help_text="Split into scenes by paragraph, your words kept exactly.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "own")
        super().__init__(*args, **kwargs)


# --- editing a script ------------------------------------------------------------------------


def words_in(text: str) -> int:
    return len((text or "").split())


def estimated_seconds(text: str) -> float:
    return round(words_in(text) / WORDS_PER_SECOND, 1)


class ScriptForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, label="Title")
    hook = forms.CharField(
        max_length=500,
        required=False,
        label="Hook",
        widget=forms.Textarea(attrs={"rows": 3, "data-spoken": "hook"}),
        help_text="The first words: what makes people stay.",
    )
    call_to_action = forms.CharField(
        max_length=300,
        required=False,
        label="Call to action",
        widget=forms.Textarea(attrs={"rows": 2, "data-spoken": "cta"}),
    )

    def __init__(self, *args, script: Script, **kwargs):
        super().__init__(*args, **kwargs)
        self.script = script
        self.platforms = [(name, label) for name, label in CAPTION_PLATFORMS if name in script.captions] or []
        for name, label in self.platforms:
            self.fields[f"caption_{name}"] = forms.CharField(
                required=False,
                max_length=2200,
                label=f"{label} caption",
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[f"hashtags_{name}"] = forms.CharField(
                required=False, max_length=1000, label=f"{label} hashtags", help_text="Separated by spaces."
            )
        if not self.is_bound:
            self.initial.update({"title": script.title, "hook": script.hook, "call_to_action": script.call_to_action})
            for name, _label in self.platforms:
                entry = script.captions.get(name) or {}
                self.initial[f"caption_{name}"] = entry.get("caption", "")
                self.initial[f"hashtags_{name}"] = " ".join(entry.get("hashtags") or [])

    def caption_rows(self) -> list[tuple]:
        return [(label, self[f"caption_{name}"], self[f"hashtags_{name}"]) for name, label in self.platforms]

    def platform_label(self) -> str:
        return dict(CAPTION_PLATFORMS).get(self.script.inputs.get("platform", ""), "")

    def captions(self) -> dict:
        captions = {}
        for name, _label in self.platforms:
            tags = self.cleaned_data[f"hashtags_{name}"].replace(",", " ").split()
            hashtags = [tag if tag.startswith("#") else f"#{tag}" for tag in tags]
            captions[name] = {"caption": self.cleaned_data[f"caption_{name}"].strip(), "hashtags": hashtags}
        return captions

    def aliases(self) -> dict[str, str]:
        names = {f"captions.{name}.caption": f"caption_{name}" for name, _ in self.platforms}
        names |= {f"captions.{name}.hashtags": f"hashtags_{name}" for name, _ in self.platforms}
        return names


class SceneForm(forms.Form):
    text = forms.CharField(
        label="Spoken text",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "data-spoken": "scene"}),
    )
    keywords = forms.CharField(
        label="Visual keywords",
        max_length=700,
        required=False,
        help_text="What to show, separated by commas. Blank: picked from the text.",
    )

    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.cleaned_data.get("keywords", "").split(",") if word.strip()]

    def estimated_seconds(self) -> float:
        return estimated_seconds(self["text"].value() or "")


class BaseSceneFormSet(forms.BaseFormSet):
    def scenes(self) -> tuple[list[dict], list[SceneForm]]:
        """The kept scenes for the service, and the form each came from (to place its errors)."""
        # An added scene left blank has no data: it is skipped like a removed one.
        kept = [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        return [{"text": form.cleaned_data["text"], "keywords": form.keyword_list()} for form in kept], kept


SceneFormSet = forms.formset_factory(
    SceneForm, formset=BaseSceneFormSet, extra=0, can_delete=True, max_num=40, absolute_max=40, validate_max=True
)


def scene_formset(script: Script, data=None) -> BaseSceneFormSet:
    initial = [
        {"text": scene.get("text", ""), "keywords": ", ".join(scene.get("keywords") or [])} for scene in script.scenes
    ]
    return SceneFormSet(data, initial=None if data is not None else initial, prefix="scenes")


def add_scene_error(formset: BaseSceneFormSet, kept: list[SceneForm], exc: ApplicationError) -> bool:
    """Place a service error naming `scenes.<n>.<field>` on that scene's card; True when placed."""
    placed = False
    for name, errors in exc.fields.items():
        parts = name.split(".")
        if parts[0] != "scenes":
            continue
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(kept) and parts[2] in SceneForm.base_fields:
            for error in errors:
                kept[int(parts[1])].add_error(parts[2], error)
            placed = True
        elif len(parts) == 1:
            formset._non_form_errors = formset.error_class([*formset.non_form_errors(), *errors])
            placed = True
    return placed


# --- voicing ---------------------------------------------------------------------------------


class RangeInput(forms.NumberInput):
    input_type = "range"


class VoiceItForm(forms.Form):
    voice = forms.ModelChoiceField(queryset=None, label="Voice", widget=forms.RadioSelect, empty_label=None)
    speed = forms.FloatField(
        label="Speed",
        min_value=MIN_SPEED,
        max_value=MAX_SPEED,
        initial=1.0,
        widget=RangeInput(attrs={"step": "0.05", "min": MIN_SPEED, "max": MAX_SPEED}),
    )

    def __init__(self, *args, user: User, last=None, **kwargs):
        """`last`: the voice-over shown on the page, whose voice and speed are offered again."""
        super().__init__(*args, **kwargs)
        queryset = selectors.voice_list(user=user)
        self.fields["voice"].queryset = queryset
        voices = list(queryset)
        self._voices = voices
        if last is not None and any(voice.pk == last.voice_id for voice in voices):
            self.fields["voice"].initial = last.voice_id
            self.fields["speed"].initial = last.speed
        elif voices:
            self.fields["voice"].initial = voices[0].pk

    def voices(self):
        return self._voices


# --- provider keys ---------------------------------------------------------------------------


class ProviderKeyForm(forms.Form):
    provider = forms.ChoiceField(label="Provider", choices=Provider.choices)
    label = forms.CharField(
        max_length=100,
        required=False,
        label="Name",
        help_text="How you recognise this key, e.g. “Work account”. Blank: the provider's name.",
    )
    api_key = forms.CharField(
        max_length=500,
        required=False,
        strip=False,
        label="API key",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Stored encrypted and never shown again. A local server may need none.",
    )
    base_url = forms.CharField(
        max_length=500,
        required=False,
        label="Server address",
        widget=forms.TextInput(attrs={"placeholder": "http://127.0.0.1:11434/v1", "inputmode": "url"}),
        help_text="e.g. http://127.0.0.1:11434/v1 for Ollama, or your vLLM / LM Studio server.",
    )
    default_model = forms.CharField(
        max_length=200,
        required=False,
        label="Model",
        help_text="e.g. gpt-4o-mini for OpenAI, llama3.2 for Ollama.",
    )
    default_voice = forms.CharField(
        max_length=200,
        required=False,
        label="Voice",
        help_text="Optional: a voice name (OpenAI: alloy, nova…) or an ElevenLabs voice id.",
    )
    is_default = forms.BooleanField(required=False, label="Use this key by default for its provider")

    def __init__(self, *args, key: ProviderKey | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
        if key is not None:
            del self.fields["is_default"]
            self.fields["provider"].disabled = True
            self.fields["api_key"].help_text = (
                "A key is stored; leave blank to keep it." if key.has_secret else "No key is stored."
            )
            # Always: a disabled field takes its value from here, bound or not.
            self.initial.update(
                {
                    "provider": key.provider,
                    "label": key.label,
                    "base_url": key.base_url,
                    "default_model": key.default_model,
                    "default_voice": key.default_voice,
                }
            )

    def create_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "provider": data["provider"],
            "label": data["label"],
            "api_key": data["api_key"],
            "base_url": data["base_url"] if data["provider"] == Provider.OPENAI_COMPATIBLE else "",
            "default_model": data["default_model"],
            "default_voice": data["default_voice"],
            "is_default": data["is_default"] or None,
        }

    def update_kwargs(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("label", "api_key", "base_url", "default_model", "default_voice")}


# --- making a video --------------------------------------------------------------------------

CAPTION_MODES = [
    ("karaoke", "Karaoke"),
    ("pop", "Pop"),
    ("classic", "Classic"),
]
CAPTION_MODE_HELP = {
    "karaoke": "Two or three words at a time; the word being spoken lights up.",
    "pop": "Two or three words at a time, each group popping in as it is spoken.",
    "classic": "Subtitle lines, a sentence at a time.",
}
DEFAULT_HIGHLIGHT = "#FFD400"
AVATAR_KINDS = (MediaKind.TEMPLATE, MediaKind.PRODUCT, MediaKind.IMAGE)
CORNER_CHOICES = [
    ("top_left", "Top left"),
    ("top_right", "Top right"),
    ("bottom_left", "Bottom left"),
    ("bottom_right", "Bottom right"),
]


class ColourInput(forms.TextInput):
    input_type = "color"


def video_writer_choices(user: User) -> list[tuple[str, str]]:
    """The offline writer, then one entry per LLM provider the user has a key for (a video's script
    is written with that provider's default key), then the site's OpenAI key if granted."""
    choices = [(OFFLINE_WRITER, OFFLINE_WRITER_LABEL)]
    chosen: dict[str, ProviderKey] = {}
    for key in selectors.provider_key_list(user=user):  # ordered: the default key first per provider
        if key.provider in LLM_PROVIDERS and key.provider not in chosen:
            chosen[key.provider] = key
    for provider, key in chosen.items():
        model = f"{key.default_model}, " if key.default_model else ""
        choices.append((provider, f"AI: {key.label} ({model}{key.get_provider_display()})"))
    if Provider.OPENAI not in chosen and operator_keys_allowed(user) and operator_key(Provider.OPENAI) is not None:
        choices.append((Provider.OPENAI.value, "AI: OpenAI (this site's key)"))
    return choices


class AccountChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, account) -> str:
        return f"{account.get_platform_display()} · @{account.username}"


class AudioChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, asset) -> str:
        length = f" ({asset.duration_seconds:.0f} s)" if asset.duration_seconds else ""
        return f"{asset.title}{length}"


class LibraryAssetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, asset) -> str:
        return f"{asset.title} ({asset.get_kind_display().lower()})"


class ScriptChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, script) -> str:
        return f"{script.title or script.topic} (about {script.estimated_seconds:.0f} s)"


class VideoForm(forms.Form):
    """Make a video: what it is about (a topic or a ready script), how it sounds, looks and where it goes."""

    topic = forms.CharField(
        max_length=MAX_TOPIC,
        required=False,
        label="Topic",
        widget=forms.TextInput(attrs={"placeholder": "e.g. home coffee brewing", "autocomplete": "off"}),
    )
    script = ScriptChoiceField(
        queryset=None,
        required=False,
        label="Or one of my scripts",
        empty_label="None: write a new script from the topic",
        help_text="A script you wrote or edited: it is voiced as it is.",
    )
    template = forms.ChoiceField(label="Template", required=False)
    writer = forms.ChoiceField(label="Writer")
    duration = forms.TypedChoiceField(label="Length", choices=DURATION_CHOICES, coerce=int, initial=30)
    tone = forms.CharField(
        max_length=60, required=False, label="Tone", widget=forms.TextInput(attrs={"placeholder": "e.g. friendly"})
    )
    audience = forms.CharField(
        max_length=200,
        required=False,
        label="Audience",
        widget=forms.TextInput(attrs={"placeholder": "e.g. busy parents"}),
    )
    product = forms.CharField(
        max_length=200,
        required=False,
        label="Product",
        widget=forms.TextInput(attrs={"placeholder": "optional: what you are promoting"}),
    )
    seed = forms.IntegerField(
        label="Variation",
        min_value=0,
        max_value=MAX_SEED,
        required=False,
        initial=0,
        help_text="Another number gives another wording of the same topic.",
    )
    voice = forms.ModelChoiceField(queryset=None, label="Voice", widget=forms.RadioSelect, empty_label=None)
    speed = forms.FloatField(
        label="Speed",
        min_value=MIN_SPEED,
        max_value=MAX_SPEED,
        initial=1.0,
        widget=RangeInput(attrs={"step": "0.05", "min": MIN_SPEED, "max": MAX_SPEED}),
    )
    platform = forms.ChoiceField(label="Made for", initial="tiktok")
    caption_mode = forms.ChoiceField(
        label="Captions", choices=CAPTION_MODES, initial="karaoke", widget=forms.RadioSelect
    )
    highlight_color = forms.RegexField(
        regex=r"^#[0-9A-Fa-f]{6}$",
        label="Highlight colour",
        initial=DEFAULT_HIGHLIGHT,
        widget=ColourInput(),
        error_messages={"invalid": "A colour like #FFD400."},
        help_text="The word being spoken (karaoke).",
    )
    music = AudioChoiceField(
        queryset=None,
        required=False,
        label="Music",
        empty_label="No music",
        help_text="A ready audio track from your library, under the voice.",
    )
    avatar = forms.ModelChoiceField(queryset=None, required=False, label="Avatar", empty_label="No avatar")
    target_accounts = AccountChoiceField(
        queryset=None,
        required=False,
        label="Publish when rendered to",
        widget=forms.CheckboxSelectMultiple,
    )

    # Service field names -> this form's fields.
    ALIASES = {
        "provider": "writer",
        "key": "writer",
        "target_seconds": "duration",
        "caption_style": "caption_mode",
        "caption_style.mode": "caption_mode",
        "caption_style.highlight_color": "highlight_color",
    }

    def __init__(self, *args, user: User, **kwargs):
        from accounts.selectors import social_account_list
        from library.models import MediaAsset, MediaStatus
        from production.forms import PRESET_CHOICES

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["script"].queryset = selectors.script_list(user=user).filter(status=ScriptStatus.READY)
        self.fields["template"].choices = [("", "No preference"), *template_choices(user)]
        self.fields["writer"].choices = video_writer_choices(user)
        self.fields["writer"].initial = default_llm_provider(user) or OFFLINE_WRITER
        voices = selectors.voice_list(user=user)
        self.fields["voice"].queryset = voices
        self._voices = list(voices)
        if self._voices:
            self.fields["voice"].initial = self._voices[0].pk
        self.fields["platform"].choices = PRESET_CHOICES
        self.fields["music"].queryset = MediaAsset.objects.filter(
            owner=user, kind=MediaKind.AUDIO, status=MediaStatus.READY
        ).order_by("title", "pk")
        self.fields["avatar"].queryset = selectors.avatar_list(user=user)
        self.fields["target_accounts"].queryset = social_account_list(user=user).order_by("platform", "username")
        if not self.fields["music"].queryset.exists():
            self.fields["music"].help_text = format_html(
                'No audio tracks yet: <a href="{}">upload one to your library</a>.', reverse("library:list")
            )
        if not self.fields["avatar"].queryset.exists():
            self.fields["avatar"].help_text = format_html(
                'No avatars yet: <a href="{}">add a presenter</a>.', reverse("studio:avatars")
            )

    def voices(self):
        return self._voices

    @property
    def has_ai_writers(self) -> bool:
        return len(self.fields["writer"].choices) > 1

    def caption_help(self) -> list[tuple]:
        """(radio, description) per caption style, for the picker."""
        return [(radio, CAPTION_MODE_HELP[radio.data["value"]]) for radio in self["caption_mode"]]

    def clean(self):
        data = super().clean()
        if not data.get("script") and not data.get("topic", "").strip() and "topic" not in self.errors:
            self.add_error("topic", "Give a topic, e.g. “home coffee brewing”, or pick one of your scripts.")
        return data

    def caption_style(self) -> dict:
        from production.studio.composer import DEFAULT_CAPTION_STYLE

        mode = self.cleaned_data["caption_mode"]
        style = {**DEFAULT_CAPTION_STYLE, "mode": mode}
        if mode == "karaoke":
            style["highlight_color"] = self.cleaned_data["highlight_color"].upper()
        return style

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        template = None
        if data["template"]:
            template = selectors.prompt_template_list(user=self.user).filter(pk=data["template"]).first()
        script = data["script"]
        return {
            "topic": "" if script is not None else data["topic"],
            "script": script,
            "template": template,
            "provider": data["writer"],
            "tone": data["tone"],
            "audience": data["audience"],
            "product": data["product"],
            "target_seconds": data["duration"],
            "seed": data["seed"] or 0,
            "voice": data["voice"],
            "speed": data["speed"],
            "avatar": data["avatar"],
            "music_asset_id": data["music"].pk if data["music"] is not None else None,
            "platform": data["platform"],
            "caption_style": self.caption_style(),
            "targets": list(data["target_accounts"]),
        }


class SwapVisualForm(forms.Form):
    asset = forms.ModelChoiceField(queryset=None, label="Show instead", error_messages={"required": "Pick one."})

    def __init__(self, *args, user: User, **kwargs):
        from library.models import MediaAsset, MediaStatus
        from production.studio.visuals import DEFAULT_KINDS

        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = MediaAsset.objects.filter(
            owner=user, status=MediaStatus.READY, kind__in=DEFAULT_KINDS
        )


# --- avatars ---------------------------------------------------------------------------------


class AvatarForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name", widget=forms.TextInput(attrs={"placeholder": "e.g. Me"}))
    asset = LibraryAssetChoiceField(
        queryset=None,
        label="Video or image",
        empty_label="Choose from your library",
        help_text="A ready template video, product clip or image of the presenter.",
    )
    placement = forms.ChoiceField(
        label="Placement", choices=AvatarPlacement.choices, initial=AvatarPlacement.PIP, widget=forms.RadioSelect
    )
    corner = forms.ChoiceField(label="Corner", choices=CORNER_CHOICES, initial="bottom_right")
    size = forms.IntegerField(
        label="Size (% of the width)",
        min_value=10,
        max_value=60,
        initial=30,
        help_text="From 10 to 60.",
        widget=forms.NumberInput(attrs={"step": 5}),
    )

    def __init__(self, *args, user: User, **kwargs):
        from library.models import MediaAsset, MediaStatus

        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = MediaAsset.objects.filter(
            owner=user, status=MediaStatus.READY, kind__in=AVATAR_KINDS
        ).order_by("kind", "title", "pk")

    def create_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "asset": data["asset"],
            "placement": data["placement"],
            "corner": data["corner"],
            "size": data["size"] / 100,
        }
