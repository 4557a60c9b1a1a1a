"""What an item links that the public cannot see yet: for publishing together, and the preview.

Documents and images have no publication state of their own (they are public with the item
that shows them), so they are never listed here.
"""

from .models import Event, MoU, Person, PressRelease, Publishable, Study


def _dedupe(items) -> list[Publishable]:
    seen, found = set(), []
    for item in items:
        key = (type(item), item.pk)
        if key not in seen:
            seen.add(key)
            found.append(item)
    return found


def linked_items(obj: Publishable) -> list[Publishable]:
    """Everything `obj`'s page links to that has a publication state: the items publishing
    `obj` depends on (not the items that link to `obj`). Reads what the page prefetched."""
    if isinstance(obj, PressRelease):
        items = [obj.event, obj.mou, obj.study]
        items += [quote.person for quote in obj.quotes.all()]
    elif isinstance(obj, Event):
        items = [obj.part_of, obj.mou]
        items += [speaker.person for speaker in obj.speakers.all()]
    elif isinstance(obj, MoU):
        items = [party.signatory for party in obj.parties.all()]
    elif isinstance(obj, Study):
        items = [obj.launch_event, obj.mou, *obj.author_people.all()]
    elif isinstance(obj, Person):
        items = []
    else:
        raise TypeError(f"{type(obj).__name__} links nothing publishable")
    return _dedupe(item for item in items if item is not None)


def unpublished_links(obj: Publishable) -> list[Publishable]:
    """The items `obj` (a release, event, MoU or study) links that are not published (drafts,
    scheduled and withdrawn ones), and in turn what those link that is not published: publishing
    them together with `obj` leaves no page with a link missing. Nearest first, each once."""
    found: dict[tuple[type, int], Publishable] = {(type(obj), obj.pk): obj}
    queue = [obj]
    while queue:
        for item in linked_items(queue.pop(0)):
            key = (type(item), item.pk)
            if key not in found and not item.is_published():
                found[key] = item
                queue.append(item)
    return list(found.values())[1:]


# The lists of items linking to each kind, as its for_detail() prefetches them.
BACKLINKS = {
    PressRelease: (),
    Event: ("public_releases", "public_studies", "public_side_events"),
    MoU: ("public_events", "public_studies", "public_releases"),
    Study: ("public_releases",),
    Person: ("public_studies",),
}


def not_yet_public_on_page(obj: Publishable) -> list[Publishable]:
    """What a staff preview of `obj`'s page shows marked "Not yet public": the drafts and
    scheduled items it links and that link to it (withdrawn ones are not shown)."""
    # A MoU's page names its signatories without linking them.
    items = [] if isinstance(obj, MoU) else linked_items(obj)
    for attr in BACKLINKS[type(obj)]:
        items += getattr(obj, attr, [])
    if isinstance(obj, Person):
        items += [role.event for role in getattr(obj, "public_event_roles", [])]
        items += [quote.release for quote in getattr(obj, "public_quotes", [])]
    return _dedupe(
        item for item in items if item.is_linkable(preview=True) and not item.is_published()
    )
