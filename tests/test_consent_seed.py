"""The seed's cookie notice is in the consent tables, as the page states it."""

import datetime as dt

import pytest
from django.core.management import call_command

from consent.models import Category, DeclaredCookie, PolicyVersion

pytestmark = pytest.mark.django_db

SEED_TABLE = [
    ("UMB-UCONTEXT-C", "Umbraco", "6 months", "Strictly necessary"),
    ("UMB_XSRF-V", "Umbraco", "6 months", "Strictly necessary"),
    ("UMB-SXRF-TOKEN", "Umbraco", "6 months", "Strictly necessary"),
    ("_gid", "Google", "2 years", "Performance"),
    ("_ga", "Google", "2 years", "Performance"),
    ("_gat", "Google", "2 years", "Performance"),
    ("_gtag_UA_170395871_1", "Google", "2 years", "Performance"),
    ("__atuvc", "AddThis", "6 months", "Functionality"),
]


@pytest.fixture
def seeded():
    call_command("load_seed", verbosity=0)


def test_four_categories_in_the_seeds_order(seeded):
    rows = [(c.slug, c.name, c.is_necessary) for c in Category.objects.all()]
    assert rows == [
        ("necessary", "Strictly necessary", True),
        ("performance", "Performance", False),
        ("functionality", "Functionality", False),
        ("targeting", "Targeting", False),
    ]
    assert Category.objects.get(slug="targeting").description.endswith(
        "to process the information on their behalf."
    )


def test_eight_declared_cookies_as_in_the_seeds_table(seeded):
    rows = [
        (c.name, c.provider, c.expiry, c.category.name)
        for c in DeclaredCookie.objects.select_related("category").order_by("order")
    ]
    assert rows == SEED_TABLE
    assert DeclaredCookie.objects.get(name="_gat").purpose == (
        "Used by Google Analytics to throttle request rate"
    )
    # The page names opt-out links without their addresses: none is invented.
    assert not DeclaredCookie.objects.exclude(opt_out_url="").exists()


def test_policy_version_one_last_updated_on_2_june_2021(seeded):
    policy = PolicyVersion.objects.current()
    assert (policy.version, policy.last_updated) == (1, dt.date(2021, 6, 2))
    assert policy.banner_text.startswith("This site uses cookies to optimise site functionality")
    assert "allaboutcookies.org/manage-cookies/" in policy.details


def test_loading_the_notice_twice_changes_nothing(seeded):
    counts = (Category.objects.count(), DeclaredCookie.objects.count())
    call_command("load_seed", verbosity=0)
    assert (Category.objects.count(), DeclaredCookie.objects.count()) == counts == (4, 8)
