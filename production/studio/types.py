"""Value objects the studio's writers, engines and providers hand each other."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Spoken English on short video runs at about 150 words a minute.
WORDS_PER_SECOND = 2.5


@dataclass(frozen=True)
class Word:
    """One word of the script as the caption shows it, and when it is spoken (seconds)."""

    text: str
    start: float
    end: float

    def as_dict(self) -> dict:
        return {"text": self.text, "start": round(self.start, 3), "end": round(self.end, 3)}

    @classmethod
    def from_dict(cls, data: dict) -> Word:
        return cls(str(data["text"]), float(data["start"]), float(data["end"]))


@dataclass
class SceneDraft:
    text: str
    keywords: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class ScriptDraft:
    """What a writer produces; the Script row stores it field for field."""

    title: str
    hook: str
    scenes: list[SceneDraft]
    call_to_action: str
    captions: dict[str, dict] = field(default_factory=dict)  # platform -> {"caption", "hashtags"}
    notes: str = ""  # what the writer says about its work ("written from a template, not by an AI")

    def spoken_parts(self) -> list[str]:
        return [part for part in (self.hook, *(s.text for s in self.scenes), self.call_to_action) if part.strip()]

    @property
    def word_count(self) -> int:
        return sum(len(part.split()) for part in self.spoken_parts())

    @property
    def estimated_seconds(self) -> float:
        return round(self.word_count / WORDS_PER_SECOND, 1)

    def scenes_as_dicts(self) -> list[dict]:
        return [asdict(scene) for scene in self.scenes]
