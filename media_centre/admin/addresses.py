"""The web address (slug) on the desk: made by the server, tucked away at the end of a form."""

from django.utils.translation import gettext_lazy as _

# Last in each form, closed until opened (Django opens it when the address has an error). No
# `prepopulated_fields`: its script cut addresses mid-word and knew no Chinese; the model makes
# the address on save when it is left empty (media_centre.models.slugs).
WEB_ADDRESS_FIELDSET = (_("Web address"), {"fields": ["slug"], "classes": ["collapse"]})
