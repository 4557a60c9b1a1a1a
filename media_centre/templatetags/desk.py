"""`{% desk_home as desk %}`: the desk home's sections for the signed-in user (see desk.py)."""

from django import template

from .. import desk

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_home(context) -> desk.Home:
    return desk.gather(context["request"])
