from django import template

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """12.4 -> "0:12"; 3725 -> "1:02:05"; empty for stills."""
    if seconds in (None, ""):
        return ""
    total = round(float(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
