"""The admin home's review lists: what waits for this publisher, what came back to this editor."""

from django import template

from .. import api
from ..admin import item_url

register = template.Library()

SHOWN = 20


@register.simple_tag(takes_context=True)
def review_overview(context) -> dict:
    user = context["request"].user
    waiting = [
        step
        for step in api.awaiting_review()[:200]
        if user.has_perm(f"{step.content_type.app_label}.publish_{step.content_type.model}")
    ][:SHOWN]
    returned = list(api.sent_back_to(user)[:SHOWN])
    return {
        "awaiting": [(step, item_url(step)) for step in waiting],
        "sent_back": [(step, item_url(step)) for step in returned],
    }
