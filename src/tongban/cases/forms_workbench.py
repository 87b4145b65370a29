"""Workbench forms: they check shape only; the lifecycle services enforce the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case
from tongban.cases.selectors import workbench as wb

STATUS_CHOICES = [("", _("全部状态"))] + [
    (value, label) for value, label in Case.Status.choices if value != Case.Status.DRAFT
]
CHANNEL_CHOICES = [("", _("全部渠道"))] + list(Case.Channel.choices)
LIGHT_CHOICES = [
    ("", _("全部时限")),
    ("green", _("绿灯（正常）")),
    ("yellow", _("黄灯（临近时限）")),
    ("red", _("红灯（已超期）")),
]
VIEW_CHOICES = [(wb.VIEW_TODO, _("待我办理")), (wb.VIEW_ALL, _("全部办件"))]
SORT_CHOICES = [
    (wb.SORT_DEADLINE, _("剩余时限（少的在前）")),
    (wb.SORT_SUBMITTED, _("提交时间（早的在前）")),
    (wb.SORT_NEWEST, _("提交时间（新的在前）")),
]
DEFAULT_PROBLEM = _("未提交或不符合要求，请补正")


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(label=_("范围"), choices=VIEW_CHOICES, required=False)
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=64,
        widget=forms.TextInput(
            attrs={"placeholder": _("办件编号或申请人"), "enterkeyhint": "search"}
        ),
    )
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    item = forms.TypedChoiceField(label=_("事项"), coerce=int, required=False, empty_value=None)
    channel = forms.ChoiceField(label=_("渠道"), choices=CHANNEL_CHOICES, required=False)
    light = forms.ChoiceField(label=_("时限"), choices=LIGHT_CHOICES, required=False)
    submitted_from = forms.DateField(
        label=_("提交日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label=_("提交日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("排序"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("全部事项"))] + list(item_choices)

    def filters(self) -> wb.QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return wb.QueueFilters(
            view=data.get("view") or "",
            status=data.get("status") or "",
            item=data.get("item"),
            channel=data.get("channel") or "",
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            light=data.get("light") or "",
            q=data.get("q") or "",
            sort=data.get("sort") or wb.SORT_DEADLINE,
        )


class ConfirmForm(forms.Form):
    """Actions without input (accept, resume, conclude, hall visit): CSRF only."""


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CorrectionForm(forms.Form):
    """一次性告知: a checkbox per material of the case's item version with the problem, plus
    free lines for anything else ("材料名：问题" or just the problem)."""

    other = forms.CharField(
        label=_("其他需补正事项（每行一项，可写“材料名：问题”）"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=_("补充说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        for material in self.materials:
            self.fields[f"m_{material.pk}"] = forms.BooleanField(
                label=material.name, required=False
            )
            self.fields[f"p_{material.pk}"] = forms.CharField(
                label=_("“%(name)s”的问题") % {"name": material.name},
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"placeholder": DEFAULT_PROBLEM}),
            )

    def material_rows(self):
        return [(self[f"m_{m.pk}"], self[f"p_{m.pk}"]) for m in self.materials]

    def items(self) -> list[dict]:
        data = self.cleaned_data
        items = []
        for material in self.materials:
            if data.get(f"m_{material.pk}"):
                problem = (data.get(f"p_{material.pk}") or "").strip() or str(DEFAULT_PROBLEM)
                items.append({"material": material.name, "problem": problem})
        for line in (data.get("other") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            for separator in ("：", ":"):
                if separator in line:
                    name, _sep, problem = line.partition(separator)
                    if name.strip() and problem.strip():
                        items.append({"material": name.strip(), "problem": problem.strip()})
                        break
            else:
                items.append({"material": str(_("其他")), "problem": line})
        return items


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审查结论"),
        choices=[("approve", _("同意")), ("deny", _("不同意"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("审查意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class BatchAcceptForm(forms.Form):
    numbers = forms.MultipleChoiceField(label=_("选择办件"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any submitted number is shape-valid; reach and state are checked per case.
        raw = self.data.getlist("numbers") if hasattr(self.data, "getlist") else []
        self.fields["numbers"].choices = [(n, n) for n in raw if isinstance(n, str)]

    def clean_numbers(self):
        numbers = list(dict.fromkeys(n.strip() for n in self.cleaned_data["numbers"] if n.strip()))
        if len(numbers) > wb.MAX_PAGE_SIZE:
            raise forms.ValidationError(_("一次最多批量受理 %(n)s 件。") % {"n": wb.MAX_PAGE_SIZE})
        return numbers
