from django.http import Http404


def get_owned_or_404(queryset, **lookup):
    """The row if it exists in the user's own queryset; 404 alike for missing and foreign."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
