"""The distribution panels of a video's page (publish, its uploads, its engagement).

The video's page belongs to production, which does not know about distribution: its template
only loads these tags, and each panel fetches its own rows (a fixed number of queries).
"""

from __future__ import annotations

from django import template
from django.conf import settings

from distribution import selectors
from distribution.forms import PublishForm
from distribution.services import dashboard, reservation
from production.models import QueueStatus

register = template.Library()


@register.inclusion_tag("distribution/_item_publish.html", takes_context=True)
def item_publish(context, item):
    user = context["request"].user
    form = None
    if item.status == QueueStatus.READY:
        tz = dashboard.user_time_zone(user)
        initial = {"platforms": reservation.target_platforms(item), "synthetic": reservation.item_is_synthetic(item)}
        form = PublishForm(owner=user, time_zone=tz, initial=initial)
    uploads = selectors.upload_list(user=user).filter(queue_item=item).order_by("created_at", "id")
    return {"item": item, "form": form, "uploads": uploads, "user": user, "request": context["request"]}


@register.inclusion_tag("distribution/_item_engagement.html", takes_context=True)
def item_engagement(context, item):
    user = context["request"].user
    engagement = dashboard.item_engagement(user=user, queue_item=item)
    return {"item": item, "engagement": engagement, "user": user, "interval": settings.METRICS_INTERVAL_MINUTES}


@register.filter
def local_time_zone(user) -> str:
    """The name of the user's time zone, for the `{% timezone %}` blocks of the pages."""
    return str(dashboard.user_time_zone(user))
