"""A form's fields in crispy-bootstrap5's markup, written from Python: `{{ form|bootstrap_fields }}`
for what `{{ form|crispy }}` prints, `{{ form.field|bootstrap_field }}` for `|as_crispy_field`.

crispy renders every field through half a dozen nested templates (uni_form, field,
help_text_and_errors, field_errors_block, help_text, the crispy_field tag), which costs the prep
and contact pages a few milliseconds for a handful of fields. These filters print the same
elements, classes, ids and attributes: the `div_id_<name>` wrapper, the label with its
required asterisk, the widget with crispy's classes (`textarea form-control`, `select
form-select`, `is-invalid` when the field has errors), the errors (`<id>_error`,
`error_<n>_<id>`) and the help text (`<id>_helptext`, which the widget's aria-describedby
names), and the non-field errors of the form above its fields.

Only text-like inputs, textareas and selects are written here; any other field (a checkbox,
radios, a file, a field shown as a fieldset) is handed to crispy, so a form that gains one
still renders as before.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms import widgets
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# Widgets whose crispy-bootstrap5 markup is the plain one below (field.html's last branches).
PLAIN_WIDGETS = (widgets.Input, widgets.Textarea, widgets.Select)
NOT_PLAIN_WIDGETS = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


def _is_plain(field: forms.BoundField) -> bool:
    widget = field.field.widget
    return (
        isinstance(widget, PLAIN_WIDGETS)
        and not isinstance(widget, NOT_PLAIN_WIDGETS)
        and not field.use_fieldset
    )


def _widget_class(field: forms.BoundField) -> str:
    """crispy's `crispy_field` classes: the widget's own, its class name, then Bootstrap's."""
    widget = field.field.widget
    class_name = widget.__class__.__name__.lower()
    own = widget.attrs.get("class", "")
    classes = (f"{own} {class_name}" if class_name not in own else own) if own else class_name
    names = classes.split()
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    for name in [bootstrap, "is-invalid"] if field.errors else [bootstrap]:
        if name not in names:
            names.append(name)
            classes += f" {name}"
    return classes


@register.filter
def bootstrap_field(field: forms.BoundField):
    if field.is_hidden:
        return mark_safe(str(field))
    if not _is_plain(field):
        return as_crispy_field(field)
    parts = []
    wrapper_class = "mb-3"
    if css_classes := field.css_classes():
        wrapper_class += f" {css_classes}"
    required = field.field.required
    if field.label:
        parts.append(
            format_html(
                '<label{} class="form-label{}">{}{}</label>',
                format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
                " requiredField" if required else "",
                field.label,
                mark_safe('<span class="asteriskField">*</span>') if required else "",
            )
        )
    widget = field.as_widget(attrs={"class": _widget_class(field)})
    if field.field.show_hidden_initial:
        widget += field.as_hidden(only_initial=True)
    parts.append(widget)
    if field.errors:
        parts.append(
            format_html(
                '<div id="{}_error" class="invalid-feedback">{}</div>',
                getattr(field.errors, "field_id", ""),
                format_html_join(
                    "",
                    '<p id="error_{}_{}"><strong>{}</strong></p>',
                    (
                        (number, field.auto_id, error)
                        for number, error in enumerate(field.errors, start=1)
                    ),
                ),
            )
        )
    if field.help_text:
        parts.append(
            format_html(
                '<div {}class="form-text">{}</div>',
                format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else "",
                # crispy prints help text unescaped (`|safe`): it is written by us, in forms.py.
                mark_safe(field.help_text),
            )
        )
    return format_html(
        '<div id="div_{}" class="{}">{}</div>',
        field.auto_id,
        wrapper_class,
        mark_safe(" ".join(conditional_escape(part) for part in parts)),
    )


@register.filter
def bootstrap_fields(form: forms.BaseForm):
    parts = []
    if errors := form.non_field_errors():
        parts.append(
            format_html(
                '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
                format_html_join("\n", "<li>{}</li>", ((error,) for error in errors)),
            )
        )
    parts += [bootstrap_field(field) for field in form]
    return mark_safe(" ".join(conditional_escape(part) for part in parts))
