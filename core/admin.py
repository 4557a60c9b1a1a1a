"""The admin's additions from core: the second factor's reset on staff accounts."""

from .second_factor import admin as second_factor_admin

__all__ = ["second_factor_admin"]
