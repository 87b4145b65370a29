"""Forms of the sharing pages (shape only: the services enforce the rules)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import permissions as core_permissions
from tongban.core.models import OrgUnit
from tongban.sharing import permissions
from tongban.sharing.models import DataItem, Grant, Resource

MASK_CHOICES = [
    ("", _("不脱敏")),
    ("id_number", _("证件号码脱敏")),
    ("name", _("姓名脱敏")),
    ("mobile", _("手机号码脱敏")),
    ("address", _("地址脱敏")),
    ("bank_account", _("银行账号脱敏")),
]


def department_choices(user, permission):
    return (
        core_permissions.units_for(user, permission)
        .filter(kind=OrgUnit.Kind.DEPARTMENT)
        .select_related("parent")
        .order_by("code")
    )


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class ResourceSearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    provider = forms.TypedChoiceField(
        label=_("提供部门"), required=False, coerce=int, empty_value=None
    )
    classification = forms.CharField(label=_("分类编码"), required=False, max_length=32)
    share_type = forms.ChoiceField(
        label=_("共享类型"), required=False, choices=[("", _("全部"))] + Resource.ShareType.choices
    )

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", _("全部部门"))] + [
            (unit.pk, unit.full_name) for unit in providers
        ]


class ConsumerSystemForm(forms.Form):
    org_unit = DepartmentChoiceField(label=_("使用部门"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("系统名称"), max_length=100)
    contact = forms.CharField(label=_("联系人及电话"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = department_choices(user, permissions.SHARING_REQUEST_SHARE)
        self.fields["org_unit"].queryset = units
        if units.count() == 1:
            self.fields["org_unit"].initial = units.first()


class ShareRequestForm(forms.Form):
    consumer_system = forms.ModelChoiceField(label=_("使用系统"), queryset=None)
    items = forms.MultipleChoiceField(label=_("申请的信息项"), widget=forms.CheckboxSelectMultiple)
    legal_duty = forms.CharField(
        label=_("权责事项"),
        max_length=200,
        help_text=_("申请部门依法履行的职责，例如“最低生活保障审核确认”"),
    )
    legal_basis = forms.CharField(
        label=_("法律依据"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不予共享的资源必须填写"),
    )
    purpose = forms.CharField(label=_("用途"), max_length=200)
    period_from = forms.DateField(
        label=_("使用期限起"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_to = forms.DateField(
        label=_("使用期限止"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, resource: Resource, systems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consumer_system"].queryset = systems
        self.fields["consumer_system"].empty_label = None
        self.fields["items"].choices = [
            (item.key, f"{item.name}（{item.get_sensitivity_display()}）")
            for item in resource.items.all()
        ]
        today = timezone.localdate()
        self.fields["period_from"].initial = today
        self.fields["period_to"].initial = today + timedelta(days=365)


class ApproveForm(forms.Form):
    row_scope = forms.ChoiceField(
        label=_("行范围"),
        choices=Grant.RowScope.choices,
        widget=forms.RadioSelect,
        initial=Grant.RowScope.LOOKUP,
    )
    row_division = forms.CharField(
        label=_("仅限以下行政区划的记录"),
        max_length=12,
        required=False,
        help_text=_("行政区划代码，例如申请部门所在市 440100；留空则不限"),
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("每分钟调用上限"), min_value=1, max_value=6000, initial=60
    )
    expires_on = forms.DateField(
        label=_("授权有效期至"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    require_reference = forms.BooleanField(
        label=_("每次调用须写明办件编号"), required=False, initial=True
    )
    reason = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, share_request, initial_masking: dict, **kwargs):
        super().__init__(*args, **kwargs)
        names = {i.key: i for i in share_request.resource.items.all()}
        self.mask_fields = []
        for key in share_request.items:
            item = names.get(key)
            name = f"mask_{key}"
            self.fields[name] = forms.ChoiceField(
                label=_("“%(item)s”脱敏") % {"item": item.name if item else key},
                choices=MASK_CHOICES,
                required=False,
                initial=initial_masking.get(key, ""),
            )
            self.mask_fields.append((key, name))
        self.fields["expires_on"].initial = share_request.period_to
        division = share_request.consumer_unit.division_code
        self.fields["row_division"].initial = (
            division[:4] + "00" if len(division) == 6 else division
        )

    def masking(self) -> dict:
        return {
            key: self.cleaned_data.get(name)
            for key, name in self.mask_fields
            if self.cleaned_data.get(name)
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class ArbitrateForm(ReasonForm):
    decision = forms.ChoiceField(
        label=_("仲裁决定"),
        choices=[
            ("grant", _("同意共享（按默认条件：逐条查询、个人信息脱敏）")),
            ("refuse", _("不予共享")),
        ],
        widget=forms.RadioSelect,
    )


class ResourceForm(forms.Form):
    provider = DepartmentChoiceField(label=_("提供部门"), queryset=OrgUnit.objects.none())
    code = forms.CharField(label=_("资源代码"), max_length=64)
    name = forms.CharField(label=_("资源名称"), max_length=200)
    classification = forms.CharField(
        label=_("资源分类编码"),
        max_length=32,
        help_text=_("类 1 位、项 2 位、目 3 位，例如 103002"),
    )
    summary = forms.CharField(
        label=_("摘要"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    format = forms.CharField(label=_("资源格式"), required=False, max_length=32)
    share_type = forms.ChoiceField(label=_("共享类型"), choices=Resource.ShareType.choices)
    share_conditions = forms.CharField(
        label=_("共享条件"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    legal_basis = forms.CharField(
        label=_("依据"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    open_type = forms.ChoiceField(
        label=_("开放类型"), choices=Resource.OpenType.choices, initial="closed"
    )
    update_cycle = forms.ChoiceField(label=_("更新周期"), choices=Resource.UpdateCycle.choices)
    backing = forms.ChoiceField(
        label=_("数据来源"),
        choices=[
            (Resource.Backing.DATASET, Resource.Backing.DATASET.label),
            (Resource.Backing.HTTP_API, Resource.Backing.HTTP_API.label),
        ],
    )
    api_url = forms.CharField(
        label=_("提供方接口地址"),
        required=False,
        max_length=200,
        help_text=_(
            '数据来源为提供方接口时必填：网关以 GET ?信息项=值&limit=&offset= 调用，接口返回 {"count", "records"}'
        ),
    )
    lookup_key = forms.CharField(label=_("查询关键字信息项"), required=False, max_length=64)
    related_codes = forms.CharField(
        label=_("关联资源代码"), required=False, help_text=_("多个以逗号分隔")
    )
    items = forms.CharField(
        label=_("信息项"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "每行一项：标识,名称,类型,长度,敏感级别,是否必填。例如 id_number,身份证号,string,18,personal,是"
        ),
    )
    publish = forms.BooleanField(label=_("立即发布"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = department_choices(
            user, permissions.SHARING_MANAGE_RESOURCE
        )

    def clean_items(self):
        items = []
        for number, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if not any(parts):
                continue
            if len(parts) < 2:
                raise forms.ValidationError(_("第 %(n)s 行至少需要标识和名称") % {"n": number})
            parts += [""] * (6 - len(parts))
            length = parts[3]
            if length and not length.isdigit():
                raise forms.ValidationError(_("第 %(n)s 行的长度须为数字") % {"n": number})
            items.append(
                {
                    "key": parts[0],
                    "name": parts[1],
                    "type": parts[2] or DataItem.Type.STRING,
                    "length": int(length) if length else None,
                    "sensitivity": parts[4] or DataItem.Sensitivity.INTERNAL,
                    "required": parts[5] in ("是", "yes", "true", "1", "required"),
                }
            )
        return items

    def clean_related_codes(self):
        return [
            c.strip()
            for c in self.cleaned_data["related_codes"].replace("，", ",").split(",")
            if c.strip()
        ]
