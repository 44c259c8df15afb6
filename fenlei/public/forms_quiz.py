"""The knowledge contest's forms: where a resident is from, a round's answers, the office's question."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.public import quiz


def _grouped(rows, group_of, label_of) -> list:
    """Choices grouped by `group_of(row)` (a street, a community), in the order given: optgroups a
    phone shows without any script."""
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(group_of(row), []).append((row.pk, label_of(row)))
    return [("", _("— not saying —")), *groups.items()]


class StartForm(forms.Form):
    """Where the resident is from (optional): a community, chosen under its street, or a school."""

    community = forms.TypedChoiceField(
        label=gettext_lazy("My community"), required=False, coerce=int, empty_value=None
    )
    school = forms.TypedChoiceField(
        label=gettext_lazy("Or my school"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _grouped(
            quiz.communities(), lambda a: a.parent.name if a.parent_id else "", lambda a: a.name
        )
        self.fields["school"].choices = _grouped(
            quiz.schools(),
            lambda s: s.community.parent.name if s.community.parent_id else s.community.name,
            lambda s: f"{s.name}（{s.community.name}）",
        )

    def clean(self):
        data = super().clean()
        if data.get("community") and data.get("school"):
            self.add_error("school", _("Choose a community or a school, not both."))
        return data


class AnswersForm(forms.Form):
    """One radio group per question of a dealt round (q1, q2 …), every one to be answered."""

    def __init__(self, attempt, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attempt = attempt
        for number, question in enumerate(attempt.questions, start=1):
            self.fields[f"q{number}"] = forms.TypedChoiceField(
                label=f"{number}. {question['text']}",
                choices=list(enumerate(question["options"])),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer to question {n}.").format(n=number)},
            )

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"q{n}"] for n in range(1, self.attempt.total + 1)]

    def questions(self):
        """(number, bound field, question) for the template."""
        return [(n, self[f"q{n}"], q) for n, q in enumerate(self.attempt.questions, start=1)]


class QuestionForm(forms.Form):
    """The office's question: its text, options one per line, which one is right (from 1)."""

    text = forms.CharField(label=gettext_lazy("Question"), max_length=200)
    options = forms.CharField(
        label=gettext_lazy("Options"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One option per line: between 2 and 6."),
    )
    right = forms.IntegerField(
        label=gettext_lazy("Right option"),
        min_value=1,
        max_value=6,
        help_text=gettext_lazy("Its number in the list above, from 1."),
    )
    explanation = forms.CharField(
        label=gettext_lazy("Explanation"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown with the right answer after the round."),
    )
    active = forms.BooleanField(label=gettext_lazy("In use"), required=False, initial=True)

    def __init__(self, *args, question=None, **kwargs):
        if question is not None and question.pk is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "text": question.text,
                "options": "\n".join(question.options),
                "right": question.answer + 1,
                "explanation": question.explanation,
                "active": question.active,
            }
        super().__init__(*args, **kwargs)
        self.generated = question is not None and question.source == "generated"
        if self.generated:  # its wording follows the dictionary: only whether it is in use changes
            for name in ("text", "options", "right", "explanation"):
                self.fields[name].disabled = True
                self.fields[name].required = False

    def clean_options(self) -> list[str]:
        return [
            line.strip() for line in (self.cleaned_data.get("options") or "").splitlines() if line.strip()
        ]

    def data_for_service(self) -> dict:
        if self.generated:
            return {"active": self.cleaned_data["active"]}
        data = self.cleaned_data
        return {
            "text": data["text"].strip(),
            "options": data["options"],
            "answer": data["right"] - 1,
            "explanation": data["explanation"].strip(),
            "active": data["active"],
        }
