"""`{% remembered %}`: Django's `{% cache %}` with the page cache's invalidation."""

from django import template
from django.core.cache.utils import make_template_fragment_key
from django.templatetags.cache import CacheNode
from django.utils import translation

from .. import page_cache

register = template.Library()


class RememberedNode(CacheNode):
    """A fragment kept until the content changes (page_cache.remember) rather than for a time,
    per language and `vary` values, like Wagtail's preview-aware cache node: never kept while
    staff preview what is not public, nor when there is no request to tell."""

    def __init__(self, nodelist, fragment_name: str, vary_on: list, unless=None):
        super().__init__(nodelist, None, fragment_name, vary_on, None)
        self.unless = unless

    def render(self, context) -> str:
        request = context.get("request")
        if (
            request is None
            or page_cache.is_preview(request)
            or (self.unless is not None and self.unless.resolve(context))
        ):
            return self.nodelist.render(context)
        vary = [translation.get_language() or "", *(part.resolve(context) for part in self.vary_on)]
        key = make_template_fragment_key(self.fragment_name, vary)
        return page_cache.remember(key, lambda: self.nodelist.render(context))


@register.tag
def remembered(parser, token) -> RememberedNode:
    """`{% remembered "name" [vary …] [unless condition] %}…{% endremembered %}`: a part of the
    page rendered once per language and content change. It must not depend on the request
    beyond the language and the `vary` values, and variables it sets stay inside it (they are not
    set when it is recalled). With `unless`, a true condition (a form with errors: a page not
    worth keeping) renders it afresh without remembering it.
    """
    bits = token.split_contents()
    unless = None
    if len(bits) >= 2 and bits[-2] == "unless":
        unless = parser.compile_filter(bits[-1])
        bits = bits[:-2]
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'remembered' needs a name")
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return RememberedNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]], unless)
