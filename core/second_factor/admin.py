"""A superuser's reset of a staff account's second factor (a lost phone), as an admin action."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static import admin as static_admin
from django_otp.plugins.otp_totp import admin as totp_admin

from . import devices

User = get_user_model()


@admin.action(
    description=_("Reset two-step sign-in (lost phone)"), permissions=["reset_second_factor"]
)
def reset_second_factor(modeladmin, request, queryset) -> None:
    users = list(queryset)
    for user in users:
        devices.reset(user, by=f"{request.user.get_username()} (admin)")
    modeladmin.message_user(
        request,
        ngettext(
            "Two-step sign-in was reset for %(count)d account: it sets up a new app at its next "
            "sign-in.",
            "Two-step sign-in was reset for %(count)d accounts: each sets up a new app at its "
            "next sign-in.",
            len(users),
        )
        % {"count": len(users)},
        messages.SUCCESS,
    )


class StaffAdmin(UserAdmin):
    actions = [*(UserAdmin.actions or []), reset_second_factor]

    def has_reset_second_factor_permission(self, request) -> bool:
        return request.user.is_superuser


# django-otp's own device pages are left out: the desk sets devices up on the second factor's
# pages and resets them with the action above, which logs who did it.
for model in (totp_admin.TOTPDevice, static_admin.StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffAdmin)
