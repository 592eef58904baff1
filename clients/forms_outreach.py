from django import forms

from .forms import LibraryAudienceMixin
from .models import OutreachTemplate
from .outreach import validate_template_text


class OutreachTemplateForm(LibraryAudienceMixin, forms.ModelForm):
    class Meta:
        model = OutreachTemplate
        fields = ["name", "subject", "body"]
        labels = {"name": "Template name", "subject": "Email subject", "body": "Message"}
        help_texts = {
            "name": "Clients see this name when they choose where to start, e.g. “Alumni: "
            "first email”.",
            "subject": "Leave empty for messages without a subject, such as a LinkedIn note.",
            "body": "Keep it short and personal. Placeholders in braces are filled in for "
            "each contact.",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        validate_template_text(subject)
        return subject

    def clean_body(self):
        body = self.cleaned_data["body"]
        validate_template_text(body)
        return body
