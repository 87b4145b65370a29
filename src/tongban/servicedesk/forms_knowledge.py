"""Forms of the knowledge-base console (FAQ entries). Shape only: the rules (reach, lengths,
published items) live in ``services.knowledge``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import ServiceItem
from tongban.servicedesk.services.knowledge import (
    ALTERNATIVES_MAX,
    ANSWER_MAX,
    QUESTION_MAX,
    faq_units,
)


class FaqForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("维护单位"), queryset=None, empty_label=None)
    question = forms.CharField(label=_("问题"), max_length=QUESTION_MAX)
    alternatives = forms.CharField(
        label=_("其他问法"),
        required=False,
        max_length=ALTERNATIVES_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("群众常见的其他说法，每行一个，例如“身份证到期了去哪换”。"),
    )
    answer = forms.CharField(
        label=_("解答"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    items = forms.MultipleChoiceField(
        label=_("关联事项"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("回答时一并推荐的办事事项（可多选）。"),
    )

    def __init__(self, *args, user=None, fixed_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_unit is not None:
            del self.fields["org_unit"]
        else:
            self.fields["org_unit"].queryset = faq_units(user)
        self.fields["items"].choices = list(
            ServiceItem.objects.filter(current_version__isnull=False, is_withdrawn=False)
            .order_by("name")
            .values_list("key", "name")
        )
