"""The campaign editor: three forms that together make a campaign's fields, and back again.

The composition fields describe the common case (a layout over the visual slots in order,
one music track, burned-in captions). `build_template` turns them into the renderer's spec
with "@slot" references; `composition_initial` reads a stored template back and falls back
to the raw JSON ("advanced") whenever the fields could not reproduce it exactly.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError

from common.errors import ApplicationError
from library.models import MediaKind
from production.forms import CampaignForm, CompositionForm, SlotForm, SlotFormSet
from production.models import Campaign
from production.services.campaigns import SLOT_PREFIX

SLOTS_PREFIX = "slots"
NEW_CAMPAIGN_SLOTS = [
    {"name": "top", "kind": MediaKind.HOT_VIDEO, "mute": True},
    {"name": "bottom", "kind": MediaKind.PRODUCT},
    {"name": "music", "kind": MediaKind.AUDIO},
]
SECONDS_PER_CAPTION = 3.0
# Where a spec error lands on the composition fields (longest prefix first).
BUILDER_FIELDS = [
    ("audio.music", "music"),
    ("text.captions", "captions"),
    ("output", "platform"),
    ("layout", "layout"),
    ("duration", "duration"),
]


def caption_lines(text: str, duration: float | None) -> list[dict]:
    """Each non-empty line gets an equal share of the video (3 s each without a duration)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    each = (duration / len(lines)) if duration else SECONDS_PER_CAPTION
    return [
        {"start": round(index * each, 2), "end": round((index + 1) * each, 2), "text": line}
        for index, line in enumerate(lines)
    ]


def build_template(fields: dict, rows: list[dict]) -> dict:
    """The composition template for the editor's fields and slot rows (in order)."""
    inputs = []
    for row in rows:
        if row["kind"] == MediaKind.AUDIO:
            continue
        clip = {"asset": SLOT_PREFIX + row["name"]}
        for option in ("mute", "loop"):
            if row.get(option):
                clip[option] = True
        inputs.append(clip)
    output = {"platform": fields["platform"]}
    if fields.get("resolution", "1080p") != "1080p":
        output["resolution"] = fields["resolution"]
    template: dict = {"inputs": inputs, "layout": fields["layout"], "output": output}
    if fields.get("duration"):
        template["duration"] = fields["duration"]
    music = next((row for row in rows if row["kind"] == MediaKind.AUDIO), None)
    if fields.get("music") and music:
        template["audio"] = {
            "music": {
                "asset": SLOT_PREFIX + music["name"],
                "volume": fields["music_volume"],
                "fade_in": fields["music_fade_in"],
                "fade_out": fields["music_fade_out"],
            }
        }
    lines = caption_lines(fields.get("captions") or "", fields.get("duration"))
    if lines:
        template["text"] = {"captions": {"lines": lines}}
    return template


def _slot_name(value) -> str:
    return value[len(SLOT_PREFIX) :] if isinstance(value, str) and value.startswith(SLOT_PREFIX) else ""


def _read_fields(template: dict) -> tuple[dict, list[dict]]:
    """Best-effort reading of the editor's fields; the caller checks it round-trips."""
    layout = template.get("layout", "single")
    output = template.get("output") or {}
    music = (template.get("audio") or {}).get("music")
    captions = ((template.get("text") or {}).get("captions") or {}).get("lines") or []
    fields = {
        "layout": layout.get("kind") if isinstance(layout, dict) else layout,
        "platform": output.get("platform"),
        "resolution": output.get("resolution", "1080p"),
        "duration": template.get("duration"),
        "music": bool(music),
        "music_volume": (music or {}).get("volume", 0.3),
        "music_fade_in": (music or {}).get("fade_in", 1.0),
        "music_fade_out": (music or {}).get("fade_out", 1.0),
        "captions": "\n".join(str(line.get("text", "")) for line in captions),
    }
    clips = [
        {"name": _slot_name(clip.get("asset")), "mute": clip.get("mute"), "loop": clip.get("loop")}
        for clip in template.get("inputs") or []
    ]
    if music:
        clips.append({"name": _slot_name(music.get("asset")), "kind": MediaKind.AUDIO})
    return fields, clips


def composition_initial(template: dict, slots: dict) -> tuple[dict, list[dict]]:
    """Initial data for the composition form and the slot rows of a stored campaign.

    Editor mode only when the fields rebuild the very same template from every slot row:
    an unused visual slot would otherwise become an extra input on the next save."""
    initial = {"mode": "advanced", "template_json": json.dumps(template, indent=2)}
    try:
        fields, clips = _read_fields(template)
    except (AttributeError, TypeError, ValueError):
        fields, clips = None, []
    options = {clip["name"]: clip for clip in clips if clip["name"] in slots}
    ordered = list(dict.fromkeys([*options, *slots]))
    if fields is not None:
        rows = [{**options.get(name, {}), "name": name, "kind": slots[name].get("kind")} for name in ordered]
        try:
            if build_template(fields, rows) == template:
                initial.update(fields, mode="builder")
        except (KeyError, TypeError, ValueError):
            pass
    return initial, [SlotForm.initial_for(name, slots[name], options.get(name)) for name in ordered]


def _label(path: str) -> str:
    return path.replace("composition_template.", "").replace("composition_template", "template")


class CampaignEditor:
    """The details, composition and slot forms of one campaign, validated together."""

    def __init__(self, data=None, *, owner, campaign: Campaign | None = None):
        self.owner, self.campaign = owner, campaign
        self.problems: list[str] = []
        self.template: dict | None = None
        self.slot_definitions: dict[str, dict] = {}
        details_initial, composition, rows = self._initial()
        self.details = CampaignForm(data, owner=owner, initial=details_initial)
        self.composition = CompositionForm(data, initial=composition)
        # Bound rows are compared with nothing: a posted row is kept unless it is a blank added one.
        self.slots = SlotFormSet(data, initial=None if data is not None else rows, prefix=SLOTS_PREFIX)

    def _initial(self) -> tuple[dict, dict, list[dict]]:
        if self.campaign is None:
            rows = [SlotForm.initial_for(row["name"], {"kind": row["kind"]}, row) for row in NEW_CAMPAIGN_SLOTS]
            self.slot_definitions = {row["name"]: {"kind": row["kind"], "filters": {}} for row in NEW_CAMPAIGN_SLOTS}
            return {}, {}, rows
        composition, rows = composition_initial(self.campaign.composition_template, self.campaign.slots)
        self.slot_definitions = dict(self.campaign.slots)
        return CampaignForm.initial_for(self.campaign), composition, rows

    @property
    def advanced(self) -> bool:
        mode = self.composition["mode"].value()
        return mode == "advanced"

    def composition_result(self) -> tuple[dict, dict] | None:
        """(template, slots) from the composition and slot forms; None with errors on them."""
        if not (self.composition.is_valid() and self.slots.is_valid()):
            return None
        rows = self.slots.rows()
        slots = {row["name"]: row["definition"] for row in rows}
        self.slot_definitions = slots
        fields = self.composition.cleaned_data
        if fields["mode"] == "advanced":
            return self.composition.template, slots
        audio = [row["name"] for row in rows if row["kind"] == MediaKind.AUDIO]
        if fields.get("music") and not audio:
            self.composition.add_error("music", "Add a slot of kind “Audio track” for the music, or turn music off.")
            return None
        if fields.get("music") and len(audio) > 1:
            self.composition.add_error("music", f"Only one audio slot can be the music; found {', '.join(audio)}.")
            return None
        return build_template(fields, rows), slots

    def is_valid(self) -> bool:
        details_ok = self.details.is_valid()
        result = self.composition_result()
        if result is not None:
            self.template, self.slot_definitions = result
        return details_ok and result is not None

    def service_kwargs(self) -> dict:
        return {**self.details.service_kwargs(), "composition_template": self.template, "slots": self.slot_definitions}

    def add_service_error(self, exc: ApplicationError | ValidationError) -> None:
        """Put a service's complaint next to the field it is about."""
        if isinstance(exc, ValidationError):
            fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            message = " ".join(exc.messages)
        else:
            fields, message = exc.fields, exc.message
        for path, messages in fields.items():
            if not self._route(path, list(messages)):
                self.problems.extend(f"{_label(path)}: {text}" if path != "__all__" else text for text in messages)
        if not fields:
            self.problems.append(message)

    def _route(self, path: str, messages: list[str]) -> bool:
        if path in self.details.fields:
            self.details.add_error(path, messages)
            return True
        if path.startswith(f"{SLOTS_PREFIX}."):
            name, _, rest = path[len(SLOTS_PREFIX) + 1 :].partition(".")
            form = self._slot_form(name)
            if form is None:
                return False
            field = rest.removeprefix("filters.")
            form.add_error(field if field in form.fields else None, messages)
            return True
        if path.startswith("composition_template"):
            inner = path.removeprefix("composition_template").lstrip(".")
            if self.advanced:
                self.composition.add_error("template_json", [f"{inner}: {m}" if inner else m for m in messages])
                return True
            field = next((f for prefix, f in BUILDER_FIELDS if inner.startswith(prefix)), None)
            if field is None:
                where = "visual slots" if inner.startswith("inputs") else inner
                self.composition.add_error(None, [f"{where}: {m}" if where else m for m in messages])
            else:
                self.composition.add_error(field, messages)
            return True
        return False

    def _slot_form(self, name: str) -> SlotForm | None:
        for form in self.slots.forms:
            if form.is_bound and getattr(form, "cleaned_data", {}).get("name") == name:
                return form
            if not form.is_bound and form.initial.get("name") == name:
                return form
        return None

    def slot_rows(self) -> list[tuple[SlotForm, dict | None]]:
        """Each slot form with the definition to preview candidates for (None if invalid)."""
        rows = []
        for form in self.slots.forms:
            if form.is_bound:
                definition = getattr(form, "definition", None) if form.is_valid() else None
            else:
                definition = self.slot_definitions.get(form.initial.get("name"))
            rows.append((form, definition))
        return rows


def slot_definition_of(form: SlotForm) -> dict | None:
    """A single slot row's definition (the candidates endpoint), or None if it is invalid."""
    return getattr(form, "definition", None) if form.is_valid() else None
