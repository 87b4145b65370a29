"""Applicant forms: the application form built from the item version's ``form_schema``,
material uploads and the licence-wallet consent.

The form checks shape (types, required on submission, lengths) so the page can show every
problem at once; the service (``applications.save_draft`` / ``submit_application``)
enforces the rules again, including that registry-sourced values were not changed.
Registry-sourced fields are plain read-only text inputs whose posted value goes to the
service unchanged, so a forged value is refused there rather than silently dropped.
"""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.cases.services.applications import REGISTRY, TEXT_MAX_LENGTH


def _choices(spec) -> list[tuple[str, str]]:
    out = []
    for choice in spec.get("choices") or []:
        if isinstance(choice, dict):
            value = str(choice.get("value", choice.get("label", "")))
            out.append((value, str(choice.get("label", value))))
        elif isinstance(choice, list | tuple) and choice:
            out.append((str(choice[0]), str(choice[-1])))
        else:
            out.append((str(choice), str(choice)))
    return out


def _applicant_field(spec, required: bool) -> forms.Field:
    kind = str(spec.get("type") or "text").lower()
    label = spec.get("label") or spec["name"]
    common = {"label": label, "required": required}
    if kind in {"boolean", "bool", "checkbox"}:
        return forms.BooleanField(**common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind in {"number", "integer", "int"}:
        return forms.IntegerField(**common)
    if kind in {"decimal", "money", "amount"}:
        return forms.DecimalField(max_digits=17, decimal_places=4, **common)
    if kind in {"choice", "select", "radio"}:
        return forms.ChoiceField(choices=[("", "请选择")] + _choices(spec), **common)
    if kind == "email":
        return forms.EmailField(**common)
    max_length = int(spec.get("max_length") or (2000 if kind == "textarea" else TEXT_MAX_LENGTH))
    attrs = {}
    if kind in {"mobile", "tel", "phone"}:
        attrs = {"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}
    widget = forms.Textarea(attrs={"rows": 3}) if kind == "textarea" else forms.TextInput(attrs)
    return forms.CharField(max_length=max_length, widget=widget, **common)


class ApplicationForm(forms.Form):
    """One field per schema entry; ``fields_state`` is ``applications.application_fields``.

    ``enforce_required`` is on for submission only (drafts save partial input)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, fields_state, enforce_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        self.sources = {}
        for entry in fields_state:
            name = entry["name"]
            if entry["source"] == REGISTRY:
                field = forms.CharField(
                    label=entry.get("label") or name,
                    required=False,
                    widget=forms.TextInput(
                        attrs={"readonly": True, "aria-readonly": "true", "class": "registry"}
                    ),
                )
            else:
                field = _applicant_field(entry, enforce_required and bool(entry.get("required")))
            field.initial = entry["value"]
            field.source = entry["source"]
            field.source_label = entry["source_label"]
            field.schema_required = bool(entry.get("required"))
            self.fields[name] = field
            self.sources[name] = entry["source"]

    def values(self) -> dict:
        """Cleaned values of the schema fields (the hidden key left out)."""
        return {n: v for n, v in self.cleaned_data.items() if n in self.sources}

    def schema_fields(self):
        return [self[name] for name in self.sources]


class MaterialUploadForm(forms.Form):
    file = forms.FileField(label=_("选择文件"), allow_empty_file=True)


class LicenceConsentForm(forms.Form):
    licence_ref = forms.CharField(label=_("电子证照"), max_length=128)
    consent = forms.BooleanField(
        label=_("我同意本次申请调用该电子证照（调用记录将留存）"),
        required=True,
        error_messages={"required": _("请先同意调用电子证照")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因（选填）"), required=False, max_length=200)
