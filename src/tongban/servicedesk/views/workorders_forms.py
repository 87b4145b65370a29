"""Forms of the work-order pages. Shape only: lengths, states and permissions are checked by
``tongban.servicedesk.services.workorders`` (its DomainError lands on the form)."""

from functools import lru_cache

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.core.codes import divisions
from tongban.servicedesk.models import WorkOrder

STARS = {5: "★★★★★", 4: "★★★★☆", 3: "★★★☆☆", 2: "★★☆☆☆", 1: "★☆☆☆☆"}


@lru_cache(maxsize=1)
def _division_groups():
    groups = []
    for city in divisions.cities():
        options = [(city.code, f"{city.name}（{_('全市')}）")]
        options += [
            (county.code, f"{city.name} · {county.name}")
            for county in divisions.counties(city.code)
        ]
        groups.append((city.name, options))
    return groups


def division_choices():
    return [("", _("请选择所在市、区县")), *_division_groups()]


class WorkOrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("诉求类型"), choices=WorkOrder.Kind.choices)
    title = forms.CharField(
        label=_("标题"), max_length=100, widget=forms.TextInput(attrs={"maxlength": 100})
    )
    content = forms.CharField(
        label=_("诉求内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
        help_text=_("请写明时间、地点、事情经过和您的诉求（最多 2000 字）。"),
    )
    division_code = forms.ChoiceField(label=_("所在市、区县"), choices=division_choices)
    location = forms.CharField(label=_("详细地点（选填）"), max_length=200, required=False)
    contact_mobile = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    is_urgent = forms.BooleanField(
        label=_("紧急（当日办理；危及生命财产安全请直接拨打 110/119/120）"), required=False
    )


class CallerWorkOrderForm(WorkOrderForm):
    contact_name = forms.CharField(label=_("来电人姓名"), max_length=50, required=False)
    contact_mobile = forms.CharField(
        label=_("来电号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("满意程度"),
        choices=[
            (v, f"{STARS[v]} {label}") for v, label in sorted(WorkOrder.Level.choices, reverse=True)
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意程度。")},
    )
    comment = forms.CharField(
        label=_("评价意见（选填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )


class DispatchForm(forms.Form):
    department = forms.ChoiceField(label=_("承办部门"))

    def __init__(self, *args, departments=(), initial_department=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(unit.pk): unit for unit in departments}
        self.fields["department"].choices = [(str(unit.pk), unit.full_name) for unit in departments]
        if initial_department is not None:
            self.fields["department"].initial = str(initial_department.pk)

    def unit(self):
        return self.units[self.cleaned_data["department"]]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("记录"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["note"].label = label


class CallbackForm(forms.Form):
    note = forms.CharField(
        label=_("回访记录"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )
    level = forms.TypedChoiceField(
        label=_("来电人评价（电话中口述，选填）"),
        choices=[("", _("未评价"))]
        + [(v, label) for v, label in sorted(WorkOrder.Level.choices, reverse=True)],
        coerce=int,
        empty_value=None,
        required=False,
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("答复内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        help_text=_("答复将在热线审核办结后发送给诉求人；同类并案工单共用此答复。"),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text=_("说明为何不属本部门职责，建议的承办部门。"),
    )
