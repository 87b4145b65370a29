"""Forms of the licence-type and issuing console pages. They check shape only; the services
enforce the rules (schema, holder code, seals, permissions)."""

from __future__ import annotations

import base64
import json

from django import forms
from django.utils.translation import gettext_lazy as _

FIELD_PREFIX = "f_"
MAX_CSV_BYTES = 5 * 1024 * 1024


class FieldSchemaForm(forms.Form):
    schema_json = forms.CharField(
        label=_("照面信息项（JSON）"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        help_text=_(
            "每项：name（英文名）、label（显示名称）、type（text/textarea/date/number/"
            "citizen-id/uscc/choice）、required、source（自动签发时的数据来源）、role。"
        ),
    )

    def clean_schema_json(self):
        try:
            value = json.loads(self.cleaned_data["schema_json"])
        except ValueError as exc:
            raise forms.ValidationError(_("不是有效的 JSON。")) from exc
        if not isinstance(value, list):
            raise forms.ValidationError(_("应为信息项列表。"))
        return value


class IssueForm(forms.Form):
    """Holder, issuer and one input per field of the type's schema (``f_<name>``)."""

    issuer = forms.ModelChoiceField(label=_("颁发机构"), queryset=None, empty_label=None)
    holder_name = forms.CharField(label=_("持证主体名称"), max_length=200)
    holder_code = forms.CharField(
        label=_("持证主体代码"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    valid_from = forms.DateField(
        label=_("有效期起始"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填写则为签发当日。"),
    )

    def __init__(self, *args, licence_type, issuers, **kwargs):
        super().__init__(*args, **kwargs)
        self.licence_type = licence_type
        self.fields["issuer"].queryset = issuers
        code_label = (
            _("公民身份号码") if licence_type.holder_type == "natural" else _("统一社会信用代码")
        )
        self.fields["holder_code"].label = _("持证主体代码（%(label)s）") % {"label": code_label}
        for spec in licence_type.field_schema or []:
            if spec.get("role") in ("holder_name", "holder_code"):
                continue  # taken from the holder
            self.fields[FIELD_PREFIX + spec["name"]] = self._field_for(spec)

    @staticmethod
    def _field_for(spec: dict) -> forms.Field:
        label = spec.get("label") or spec["name"]
        required = bool(spec.get("required", True)) and spec.get("role") != "licence_number"
        kind = spec.get("type", "text")
        help_text = (
            _("不填写则使用系统分配的证照编号。") if spec.get("role") == "licence_number" else ""
        )
        if kind == "choice":
            choices = [("", "—")] + [(c, c) for c in spec.get("choices") or []]
            return forms.ChoiceField(label=label, required=required, choices=choices)
        if kind == "date":
            return forms.CharField(
                label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
            )
        if kind == "textarea":
            return forms.CharField(
                label=label, required=required, widget=forms.Textarea(attrs={"rows": 3})
            )
        attrs = {"inputmode": "decimal"} if kind == "number" else {}
        return forms.CharField(
            label=label,
            required=required,
            help_text=help_text,
            widget=forms.TextInput(attrs=attrs),
        )

    def schema_fields(self):
        return [self[name] for name in self.fields if name.startswith(FIELD_PREFIX)]

    def licence_fields(self) -> dict:
        return {
            name[len(FIELD_PREFIX) :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(FIELD_PREFIX) and value not in (None, "")
        }

    def add_domain_error(self, exc) -> None:
        """Show a service error at its input (schema field names carry the prefix)."""
        field = exc.field
        if field and FIELD_PREFIX + field in self.fields:
            self.add_error(FIELD_PREFIX + field, exc.message)
        elif field in self.fields:
            self.add_error(field, exc.message)
        else:
            self.add_error(None, exc.message)


class ImportForm(forms.Form):
    issuer = forms.ModelChoiceField(label=_("颁发机构"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("CSV 文件"),
        required=False,
        help_text=_("第一行为表头：持证主体、持证主体代码、（可选）有效期起始，以及各信息项名称。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    content = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, issuers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > MAX_CSV_BYTES:
                raise forms.ValidationError(_("文件不能超过 5 MB。"))
            data = upload.read()
        elif cleaned.get("content"):
            try:
                data = base64.b64decode(cleaned["content"].encode("ascii"), validate=True)
            except ValueError as exc:
                raise forms.ValidationError(_("文件内容已损坏，请重新上传。")) from exc
        else:
            raise forms.ValidationError(_("请选择要导入的 CSV 文件。"))
        cleaned["data"] = data
        cleaned["content"] = base64.b64encode(data).decode("ascii")
        return cleaned
