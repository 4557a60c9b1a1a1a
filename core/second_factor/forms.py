"""The codes a person types: from the authenticator app, or a recovery code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .devices import typed_recovery_code

CODE_DIGITS = 6


class AppCodeForm(forms.Form):
    """Six digits from the authenticator app (spaces allowed: some apps show "123 456")."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The six digits your app shows now for this site."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
                "size": 10,
                "autofocus": True,
            }
        ),
        error_messages={"required": _("Enter the six digits your authenticator app shows.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == CODE_DIGITS and code.isascii() and code.isdigit()):
            raise forms.ValidationError(
                _("Enter the six digits your authenticator app shows."), code="format"
            )
        return code


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label=_("Recovery code"),
        help_text=_("One of the codes you kept when you set up your app. Each works once."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter one of your recovery codes.")},
    )

    def clean_recovery_code(self) -> str:
        code = typed_recovery_code(self.cleaned_data["recovery_code"])
        if not (len(code) == 8 and code.isascii()):
            raise forms.ValidationError(
                _("A recovery code has eight letters and digits, such as “abcd 2345”."),
                code="format",
            )
        return code
