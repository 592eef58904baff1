"""Forms for question banks, their questions and a client's question pool."""

from django import forms
from django.db.models import Count, F

from clients.forms import LibraryAudienceMixin

from .models import Question, QuestionBank


class QuestionBankForm(LibraryAudienceMixin, forms.ModelForm):
    class Meta:
        model = QuestionBank
        fields = ["name", "description"]
        labels = {"name": "Bank name"}
        help_texts = {
            "name": "Clients see this name when they pick questions, e.g. “Moving into UX”.",
            "description": "Optional: when the bank is useful and for whom.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "category"]
        labels = {"text": "Question"}
        help_texts = {"text": "One open question, in words the client would say out loud."}
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "maxlength": 300})}

    def clean_text(self):
        # A line break would not survive in an interview script; keep one line of plain words.
        return " ".join(self.cleaned_data["text"].split())


class QuestionOrderForm(forms.Form):
    """The new order of a bank's questions, from drag and drop. Only the bank's own question ids
    are valid choices; that each appears exactly once is the service's rule."""

    question_ids = forms.TypedMultipleChoiceField(coerce=int)

    def __init__(self, *args, bank: QuestionBank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question_ids"].choices = [
            (pk, pk) for pk in bank.questions.values_list("pk", flat=True)
        ]


class ClientBanksForm(forms.Form):
    banks = forms.ModelMultipleChoiceField(
        queryset=QuestionBank.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Banks in the client's pool",
        help_text="The client chooses questions for each interview from these banks.",
    )

    def __init__(self, *args, client, **kwargs):
        """Offers the banks the client's coach may use (whoever edits the pool: a co-coach's or
        an admin's own banks are not the client's coach's to keep), and the banks already in
        the pool, so that a bank of a former coach is not dropped by saving."""
        super().__init__(*args, **kwargs)
        field = self.fields["banks"]
        field.queryset = (
            QuestionBank.objects.pool_choices_for(client)
            .active()
            .annotate(n_questions=Count("questions"))
            # Built-ins first, then the practice's library, then the coach's own.
            .order_by(F("owner").asc(nulls_first=True), F("practice").asc(nulls_first=True), "name")
        )
        field.label_from_instance = lambda bank: (
            f"{bank.name} (built-in)" if bank.is_builtin else bank.name
        )
