"""Forms for civil servant accounts (shape only; rules live in services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.core.models import OrgUnit, RoleAssignment


class _OrgUnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name}（{obj.code}）"


class RoleForm(forms.Form):
    org_unit = _OrgUnitChoice(label=_("组织机构"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("角色"), choices=RoleAssignment.Role.choices)
    covers_children = forms.BooleanField(label=_("含下级机构"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["org_unit"].queryset = units.select_related("parent").order_by("code")


class StaffCreateForm(RoleForm):
    username = forms.CharField(
        label=_("登录名"),
        max_length=32,
        help_text=_("小写字母开头，3–32 位小写字母、数字、点、下划线或连字符"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    name = forms.CharField(label=_("姓名"), max_length=64)
    mobile = forms.CharField(
        label=_("手机号（选填）"),
        max_length=11,
        required=False,
        help_text=_("用于登录短信验证码；不填则仅凭密码登录，生产环境建议填写"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
    )
    id_number = forms.CharField(label=_("身份证号（选填）"), max_length=18, required=False)
    password = forms.CharField(
        label=_("初始密码（选填）"),
        required=False,
        help_text=_("留空则自动生成，仅显示一次"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "username",
        "name",
        "mobile",
        "id_number",
        "password",
        "org_unit",
        "role",
        "covers_children",
    ]


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("花名册 CSV 文件"),
        required=False,
        help_text=_("列：username,name,mobile,id_number,org_unit_code,role,covers_children"),
    )
    # After a successful preview the checked text is carried to the confirm step.
    csv_text = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("csv_text"):
            raise forms.ValidationError(_("请选择花名册文件"))
        return data
