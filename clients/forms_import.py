from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict

from .imports import MAX_FILE_MB, MAX_ROWS


class ContactImportForm(forms.Form):
    """Only asks for the file; reading and checking it is the preview service's job."""

    file = forms.FileField(
        label="CSV file",
        help_text=f"Up to {MAX_FILE_MB} MB and {MAX_ROWS:,} contacts, saved as CSV UTF-8.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    @classmethod
    def refused(cls, error: ValidationError) -> "ContactImportForm":
        """The form as it shows an upload refused before its body was read (nothing to bind)."""
        form = cls(data={}, files={})
        form._errors = ErrorDict({"file": form.error_class(error.messages)})
        return form
