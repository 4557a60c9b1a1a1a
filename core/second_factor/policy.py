"""Who must give a second factor: NEWSROOM_SECOND_FACTOR_REQUIRED_FOR, and whoever has set one up.

"publishers" are superusers and every account that holds a permission an app names as making
something public (`require_for_permissions`, called in the app's `ready()`): the check follows
the permission, not a group's name, so an account given one of them directly is a publisher too.
"""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

PUBLISHERS = "publishers"
STAFF = "staff"
NONE = "none"

# Permissions ("app_label.codename") whose holders must use a second factor under "publishers".
_publishing_permissions: set[str] = set()


def require_for_permissions(*permissions: str) -> None:
    """Holders of any of these permissions are publishers: they must use a second factor."""
    _publishing_permissions.update(permissions)


def publishing_permissions() -> frozenset[str]:
    return frozenset(_publishing_permissions)


def is_required(user) -> bool:
    """Must this account give a second factor, whether or not it has set one up?"""
    required_for = settings.NEWSROOM_SECOND_FACTOR_REQUIRED_FOR
    if required_for == NONE or not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if required_for == STAFF:
        return user.is_staff
    return any(user.has_perm(permission) for permission in sorted(_publishing_permissions))


def authenticator(user) -> TOTPDevice | None:
    """The account's authenticator app (its confirmed TOTP device), or None."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_second_factor_authenticator"):
        user._second_factor_authenticator = (
            TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        )
    return user._second_factor_authenticator


def is_owed(user) -> bool:
    """Does this signed-in account owe a second factor it has not given in this session?

    Required of it, or set up by it (whoever has set one up must use it)."""
    if not user.is_authenticated or user.is_verified():
        return False
    return is_required(user) or authenticator(user) is not None
