"""`{{ moment|in_zone }}`: a moment as the desk prints it, with its zone ("… 1:22 p.m. HKT")."""

from django import template

from .. import time_zones

register = template.Library()


@register.filter
def in_zone(moment) -> str:
    return time_zones.in_zone(moment)
