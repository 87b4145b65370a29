"""Forms of the catalogue pages (shape only; the services enforce the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import HandlingType, Material

AUDIENCE_CHOICES = [("", _("全部")), ("natural", _("个人办事")), ("legal", _("法人办事"))]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("搜索事项"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("如：开个体户、结婚登记、公积金提取")}
        ),
    )
    audience = forms.ChoiceField(label=_("服务对象"), choices=AUDIENCE_CHOICES, required=False)
    department = forms.ChoiceField(label=_("部门"), required=False)
    division = forms.ChoiceField(label=_("地区"), required=False)
    zero_visit = forms.BooleanField(label=_("零跑动"), required=False)
    online = forms.BooleanField(label=_("可网上办理"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, departments=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("全部部门"))] + [(d, d) for d in departments]
        self.fields["division"].choices = [("", _("全省"))] + list(regions)


class VersionForm(forms.Form):
    handling_type = forms.ChoiceField(label=_("办件类型"), choices=HandlingType.choices)
    legal_days = forms.IntegerField(label=_("法定办结时限（工作日）"), min_value=0, max_value=365)
    promised_days = forms.IntegerField(
        label=_("承诺办结时限（工作日）"),
        min_value=0,
        max_value=365,
        help_text=_("不得超过法定办结时限。"),
    )
    basis = forms.CharField(
        label=_("设定和实施依据"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    conditions = forms.CharField(
        label=_("受理条件"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    process_description = forms.CharField(
        label=_("办理流程说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    charges = forms.BooleanField(label=_("收费"), required=False)
    fee_amount = forms.DecimalField(
        label=_("收费标准（元）"), min_value=0, max_digits=12, decimal_places=2
    )
    fee_basis = forms.CharField(label=_("收费依据"), required=False)
    online = forms.BooleanField(label=_("可网上办理"), required=False)
    max_visits = forms.IntegerField(label=_("到现场次数"), min_value=0, max_value=10)
    consultation = forms.CharField(
        label=_("咨询方式"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    complaint = forms.CharField(
        label=_("监督投诉方式"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    halls_and_hours = forms.CharField(
        label=_("办理地点与时间"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    change_note = forms.CharField(label=_("变更说明"), required=False, max_length=200)


class MaterialForm(forms.Form):
    name = forms.CharField(label=_("材料名称"), max_length=200)
    form = forms.ChoiceField(label=_("材料形式"), choices=Material.Form.choices)
    copies = forms.IntegerField(label=_("份数"), min_value=1, max_value=20, initial=1)
    required = forms.BooleanField(label=_("必需"), required=False, initial=True)
    licence_type_key = forms.ChoiceField(label=_("可用电子证照替代"), required=False)

    def __init__(self, *args, licence_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence_type_key"].choices = [("", _("无"))] + sorted(
            (licence_types or {}).items(), key=lambda kv: kv[1]
        )


class ProcessForm(forms.Form):
    process = forms.CharField(
        label=_("办理流程（每行一个环节）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "格式：环节名称：部门、部门。同一环节的多个部门并联审批，例如“审查：自然资源局、生态环境局”。"
        ),
    )

    def clean_process(self):
        stages = []
        for line in self.cleaned_data["process"].splitlines():
            line = line.strip()
            if not line:
                continue
            name, sep, departments = line.replace(":", "：").partition("：")
            names = [
                d.strip() for d in departments.replace(",", "、").replace("，", "、").split("、")
            ]
            names = [d for d in names if d]
            if not sep or not name.strip() or not names:
                raise forms.ValidationError(_("每行须为“环节名称：部门、部门”。"))
            stage = name.strip()
            stages.append(
                {
                    "name": stage,
                    "tasks": [
                        {
                            "name": stage if i == 0 else f"并联{stage}（{d}）",
                            "department_name": d,
                            "role": "approver",
                        }
                        for i, d in enumerate(names)
                    ],
                }
            )
        return stages


def process_as_text(version) -> str:
    return "\n".join(
        f"{stage.name}：{'、'.join(t.department_name for t in stage.tasks.all())}"
        for stage in version.stages.all()
    )


class LimitsForm(forms.Form):
    legal_days = forms.IntegerField(label=_("法定办结时限（工作日）"), min_value=0, max_value=365)
    promised_days = forms.IntegerField(
        label=_("承诺办结时限（工作日）"),
        min_value=0,
        max_value=365,
        help_text=_("承诺时限 ≤ 法定时限 ≤ 事项的法定时限。"),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), required=False, max_length=200)
