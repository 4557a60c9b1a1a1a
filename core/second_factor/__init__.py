"""Staff's second factor: a code from an authenticator app after the password (django-otp).

`policy` says who must give one (NEWSROOM_SECOND_FACTOR_REQUIRED_FOR, and whoever has set one up),
`middleware` holds them to the second factor's pages until they have, `views` are those pages,
`devices` makes and removes the app's device and the recovery codes (`reset` for a lost phone),
`lockout` counts wrong codes as failed sign-ins for django-axes, and `admin` gives superusers the
reset as an action on staff accounts. Apps name the permissions that make something public with
`policy.require_for_permissions` in their `ready()` (these modules use django-otp's models, so
they are imported once the app registry is ready).
"""
