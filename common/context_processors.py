from django.urls import NoReverseMatch, reverse

# The product's navigation, in order. A section appears once its page exists.
NAVIGATION = [
    ("Overview", "monitoring:overview"),
    ("Accounts", "accounts:list"),
    ("Library", "library:list"),
    ("Studio", "studio:scripts"),
    ("Campaigns", "production:campaigns"),
    ("Queue", "production:queue"),
    ("Uploads", "distribution:uploads"),
    ("Jobs", "monitoring:jobs"),
    ("Monitoring", "monitoring:monitoring"),
]


def _resolvable() -> list[tuple[str, str]]:
    items = []
    for label, name in NAVIGATION:
        try:
            items.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return items


def _section(url: str) -> str:
    """`/studio/scripts/` -> `/studio/`: every page of a section lights up its entry."""
    return "/" + url.strip("/").split("/")[0] + "/"


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = request.path
    items = [
        {"label": label, "url": url, "active": current == url or (url != "/" and current.startswith(_section(url)))}
        for label, url in _resolvable()
    ]
    return {"navigation": items}
