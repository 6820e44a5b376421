"""Caption, title and hashtags fitted to each platform's limits.

The campaign's templates are rendered into the queue item when it is generated; here they
are cut to what each platform accepts, at a word boundary, and every cut is reported as a
warning so the user knows the post differs from the template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ELLIPSIS = "…"


@dataclass(frozen=True)
class CaptionRules:
    title: int = 0  # 0: the platform has no separate title
    text: int = 2200  # description / caption, hashtags included
    hashtags: int = 0  # 0: no limit on how many
    forbidden: str = ""  # characters the platform refuses in text


RULES: dict[str, CaptionRules] = {
    # YouTube refuses "<" and ">" in titles and descriptions.
    "youtube": CaptionRules(title=100, text=5000, forbidden="<>"),
    "tiktok": CaptionRules(text=2200),
    "instagram": CaptionRules(text=2200, hashtags=30),
    "facebook": CaptionRules(text=63_206),
    "sandbox": CaptionRules(title=100, text=5000),
}
_HASHTAG = re.compile(r"(?<!\w)#\w+")


@dataclass
class FittedCaption:
    title: str
    description: str
    hashtags: list[str]
    warnings: list[str] = field(default_factory=list)

    def full_text(self) -> str:
        tags = " ".join(f"#{tag.lstrip('#')}" for tag in self.hashtags)
        return "\n\n".join(part for part in (self.description.strip(), tags) if part)


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(ELLIPSIS))]
    if " " in cut[len(cut) // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + ELLIPSIS


def fit_caption(platform: str, *, caption: str, hashtags: list[str], title: str = "") -> FittedCaption:
    rules = RULES.get(platform, CaptionRules())
    warnings: list[str] = []
    names = [tag.strip().lstrip("#") for tag in hashtags]
    tags = [f"#{name}" for name in dict.fromkeys(names) if name]
    text = caption.strip()
    for char in rules.forbidden:
        if char in text or char in title:
            warnings.append(f"{platform}: removed the characters {rules.forbidden!r}, which it refuses")
            text, title = text.replace(char, ""), title.replace(char, "")
            break
    if rules.hashtags:
        in_text = len(_HASHTAG.findall(text))
        room = max(0, rules.hashtags - in_text)
        if len(tags) > room:
            warnings.append(f"{platform}: kept {room} of {len(tags)} hashtags (at most {rules.hashtags} per post)")
            tags = tags[:room]
    if rules.title:
        title = (title or text.split("\n", 1)[0]).strip() or "Untitled"
        if len(title) > rules.title:
            warnings.append(f"{platform}: title shortened to {rules.title} characters")
            title = shorten(title, rules.title)
    else:
        title = ""
    fitted = FittedCaption(title, text, tags, warnings)
    while tags and len(fitted.full_text()) > rules.text:
        tags.pop()  # hashtags go first: the words are the message
        fitted.hashtags = tags
        if not any("hashtags dropped" in warning for warning in warnings):
            warnings.append(f"{platform}: hashtags dropped to fit {rules.text} characters")
    if len(fitted.full_text()) > rules.text:
        warnings.append(f"{platform}: caption shortened to {rules.text} characters")
        fitted.description = shorten(text, rules.text)
    return fitted
