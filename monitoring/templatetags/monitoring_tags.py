from django import template

register = template.Library()


@register.filter
def words(key: str) -> str:
    """files_removed -> Files removed; bytes_freed gets its own filter in the template."""
    return str(key).replace("_", " ").capitalize()


@register.filter
def count_value(value, key: str) -> str:
    """Counts as people read them: bytes as MB/kB, everything else as it is."""
    if key.startswith("bytes") and isinstance(value, int):
        from django.template.defaultfilters import filesizeformat

        return filesizeformat(value)
    return value
