"""The `bootstrap_fields` filters write the same HTML as crispy-forms for the forms they serve
(coachdesk/templatetags/bootstrap_fields.py): compared element by element, unbound and bound
with errors, and handed to crispy for widgets they do not write."""

import pytest
from django import forms
from django.template import Context, Template
from django.test.html import parse_html

from clients.forms import OpportunityForm, TouchForm
from interviews.forms import CoachNotesForm, PrepForm

CRISPY = Template("{% load crispy_forms_tags %}{{ form|crispy }}")
OURS = Template("{% load bootstrap_fields %}{{ form|bootstrap_fields }}")


def both(form):
    context = Context({"form": form})
    return parse_html(CRISPY.render(context)), parse_html(OURS.render(context))


class Awkward(forms.Form):
    """Every case the filter writes itself, and two it hands to crispy."""

    name = forms.CharField(max_length=20, help_text="As the person writes it.")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "class": "mine"}), required=False
    )
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    agree = forms.BooleanField(required=False)  # a checkbox: crispy's
    colour = forms.ChoiceField(choices=[("r", "Red")], widget=forms.RadioSelect)  # crispy's

    def clean(self):
        raise forms.ValidationError("Something about the whole form.")


@pytest.mark.parametrize(
    "form_class", [PrepForm, CoachNotesForm, OpportunityForm, TouchForm, Awkward]
)
def test_an_unbound_form_is_written_as_crispy_writes_it(form_class):
    crispy, ours = both(form_class())

    assert ours == crispy


@pytest.mark.parametrize("form_class", [OpportunityForm, TouchForm, Awkward])
def test_a_form_with_errors_is_written_as_crispy_writes_it(form_class):
    form = form_class(data={"name": "x" * 30, "when": "not a date"})
    assert not form.is_valid()

    crispy, ours = both(form)

    assert ours == crispy


def test_the_comparison_sees_a_difference():
    """The comparison is not blind: a form printed without its help text differs."""
    crispy, _ours = both(Awkward())
    without_help = parse_html(
        OURS.render(Context({"form": Awkward()})).replace("As the person writes it.", "")
    )

    assert without_help != crispy
