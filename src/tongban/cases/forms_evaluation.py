"""Forms of the rating page (好差评) and the rectification page (整改). Shape only: the
rules (tags per polarity, one rating per case, states) live in
``tongban.cases.services.evaluation``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Evaluation

STARS = {5: "★★★★★", 4: "★★★★☆", 3: "★★★☆☆", 2: "★★☆☆☆", 1: "★☆☆☆☆"}


def level_choices():
    return [
        (level, f"{STARS[level]} {label}")
        for level, label in sorted(Evaluation.Level.choices, reverse=True)
    ]


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("满意程度"),
        choices=level_choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意程度。")},
    )
    good_tags = forms.MultipleChoiceField(
        label=_("满意的地方（可多选）"),
        choices=[(tag, tag) for tag in Evaluation.GOOD_TAGS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    bad_tags = forms.MultipleChoiceField(
        label=_("不满意的地方（差评请至少选一项或填写评价内容）"),
        choices=[(tag, tag) for tag in Evaluation.BAD_TAGS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment = forms.CharField(
        label=_("评价内容（选填）"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 500}),
        required=False,
        max_length=500,
    )

    def tags(self) -> list[str]:
        """The tags of the chosen level's polarity (the other group is ignored, so a changed
        mind between groups does not block the rating)."""
        level = self.cleaned_data["level"]
        key = "bad_tags" if Evaluation.level_is_bad(level) else "good_tags"
        return list(self.cleaned_data.get(key) or [])


class CallbackForm(forms.Form):
    note = forms.CharField(
        label=_("回访记录"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        max_length=1000,
        help_text=_("回访时间、方式、申请人反映的问题。"),
    )


class CloseForm(forms.Form):
    result = forms.CharField(
        label=_("整改结果"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        max_length=1000,
        help_text=_("采取的整改措施和申请人的意见。"),
    )
