"""The site's cookie notice as the seed page states it: four categories, eight cookies, one policy.

Texts are verbatim from the seed page. The page shows "Opt-out link" for the Google and AddThis
cookies but not where the links lead, so no opt-out address is invented here; editors add them.
"""

import datetime as dt
import zoneinfo

from .models import Category, DeclaredCookie, PolicyVersion

POLICY = {
    "version": 1,
    "last_updated": dt.date(2021, 6, 2),  # "Last updated: [02.06.2021]"
    "published_at": dt.datetime(2021, 6, 2, tzinfo=zoneinfo.ZoneInfo("Asia/Hong_Kong")),
    "banner_text": (
        "This site uses cookies to optimise site functionality and give you the best possible "
        "user experience provided that you expressly consent thereto."
    ),
    "introduction": (
        "Cookies are small computer files sent from this site and stored on your browsing "
        "device to remember information about you, such as your preferences or online "
        "interaction with this site. You do not need to allow cookies to visit and navigate "
        "this site and may choose not to accept cookies in your browser settings, but you may "
        "not be able to access to all its features as a result.\n\n"
        "This website uses Google Analytics, Google Tag Manager and Google Ads, which in turn "
        "use cookies. Information collected by these cookies will be transmitted to and stored "
        "on Google’s servers, and used by Google to provide evaluative and analytical services "
        "on website activity and internet usage to us.\n\n"
        "We use the following types of cookies on this site (overview):"
    ),
    "details": (
        "For more information about these cookies and the way your personal data is processed "
        "by them, see the embedded links to their providers in the table above.\n\n"
        "You have the right to decide whether or not to accept or reject non-essential cookies "
        "by ticking the boxes below. Alternatively, you can exercise your cookie preferences by "
        "clicking on the relevant opt-out links provided in the table above. You can also set "
        "up and change your cookie settings in your web browser preferences to accept or "
        "reject cookies (see https://www.allaboutcookies.org/manage-cookies/)."
    ),
}

CATEGORIES = [
    {
        "slug": "necessary",
        "name": "Strictly necessary",
        "is_necessary": True,
        "order": 0,
        "description": (
            "We use these cookies to assist you to navigate this site, register in our events "
            "and provide feedback to us. These cookies are essential in order to enable you to "
            "move around the website and use its features or they are cookies that are required "
            "by law. You may set your browser to refuse or alert you of these cookies before "
            "accepting them by using this website, but without these cookies, services you have "
            "asked for (such as navigating between pages, setting your privacy preferences or "
            "filling in forms) cannot be provided. These cookies do not store any personally "
            "identifiable information and will expire after 6 months."
        ),
    },
    {
        "slug": "performance",
        "name": "Performance",
        "is_necessary": False,
        "order": 1,
        "description": (
            "We make use of analytic cookies to analyse the number of visitors to our website "
            "and how our visitors use our website, services or applications, to track traffic "
            "sources, and to monitor website performance. This allows us to provide a "
            "high-quality experience by customising our offering and quickly identifying and "
            "fixing any issues that arise.\n\n"
            "These cookies collect anonymised, aggregate information. If you do not allow these "
            "cookies, we will not know about your visit and usage of our website and will not be "
            "able to monitor its performance. These cookies will expire after 2 years."
        ),
    },
    {
        "slug": "functionality",
        "name": "Functionality",
        "is_necessary": False,
        "order": 2,
        "description": (
            "We make use of cookies to provide you with certain functionality and personalised "
            "experience. For example, to remember choices you make (such as e-newsletter "
            "subscription and report download, your language preference and location), to "
            "recognise the platform from which you access the site, and to provide enhanced and "
            "more personal features. These cookies are not used to track your browsing on other "
            "sites. These cookies will expire after 6 months."
        ),
    },
    {
        "slug": "targeting",
        "name": "Targeting",
        "is_necessary": False,
        "order": 3,
        "description": (
            "These cookies collect information about the browsing habits associated with your "
            "device which is used to make advertising more relevant to you and your interests. "
            "These cookies will expire after 6 months. These cookies do not store any personally "
            "identifiable information. We may however combine and use information collected "
            "with these cookies with other information about you to track or profile your "
            "interests. We will use such information to provide you with targeted advertising "
            "and social media re-targeting and may engage third party providers to process such "
            "information on our behalf. If you do not allow these cookies, you may not be able "
            "to receive targeted advertising.\n\n"
            "These cookies are also placed by third parties, such as Google Analytics and "
            "similar service providers, when you visit and use functions or services provided by "
            "them on this website, such as the ‘Like’ or ‘Share’ buttons, and when you navigate "
            "away from this website to use their services. These third party providers provide "
            "such services in return for recognising that you have (or more accurately your "
            "device has) visited certain websites. The information stored by these cookies will "
            "be collected and used by the third party providers together with other information "
            "to build a profile of your interests, show you targeted advertisements on other "
            "websites and social media. Such third party providers may also transfer the "
            "information to other third parties as required by law or to process the "
            "information on their behalf."
        ),
    },
]

SESSION = "Used to maintain session of logged in user"
GA_ID = "Registers a unique ID for generating statistic data on how the visitor uses the website"

# (name, provider, purpose, expiry, category), in the seed table's order. The page writes the
# first name as "UMB-UCONTEXT-C," with a stray comma, which is not part of the name.
COOKIES = [
    ("UMB-UCONTEXT-C", "Umbraco", SESSION, "6 months", "necessary"),
    ("UMB_XSRF-V", "Umbraco", SESSION, "6 months", "necessary"),
    ("UMB-SXRF-TOKEN", "Umbraco", SESSION, "6 months", "necessary"),
    ("_gid", "Google", GA_ID, "2 years", "performance"),
    ("_ga", "Google", GA_ID, "2 years", "performance"),
    (
        "_gat",
        "Google",
        "Used by Google Analytics to throttle request rate",
        "2 years",
        "performance",
    ),
    (
        "_gtag_UA_170395871_1",
        "Google",
        "Used by Google Tag Manager to register a unique ID for visitor and used to calculate "
        "visitor, session and campaign data for the sites analytics reports",
        "2 years",
        "performance",
    ),
    (
        "__atuvc",
        "AddThis",
        "Associated with the AddThis social sharing widget and stores an updated page share count",
        "6 months",
        "functionality",
    ),
]


def load(upsert) -> None:
    """Load the notice with the seed command's `upsert(model, lookup, values)`."""
    categories = {
        data["slug"]: upsert(
            Category, {"slug": data["slug"]}, {k: v for k, v in data.items() if k != "slug"}
        )
        for data in CATEGORIES
    }
    for order, (name, provider, purpose, expiry, category) in enumerate(COOKIES):
        upsert(
            DeclaredCookie,
            {"name": name, "category": categories[category]},
            {"provider": provider, "purpose": purpose, "expiry": expiry, "order": order},
        )
    upsert(
        PolicyVersion,
        {"version": POLICY["version"]},
        {k: v for k, v in POLICY.items() if k != "version"},
    )
