"""Console forms for OIDC clients (shape only; rules live in services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.config.oidc import MACHINE_SCOPES, PERSON_SCOPES
from tongban.core.models import OrgUnit
from tongban.identity.models import ClientPolicy

SCOPE_CHOICES = [(k, f"{k} — {v}") for k, v in {**PERSON_SCOPES, **MACHINE_SCOPES}.items()]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").replace(",", "\n").splitlines() if line.strip()]


class ClientRegisterForm(forms.Form):
    name = forms.CharField(label=_("应用名称"), max_length=255)
    kind = forms.ChoiceField(
        label=_("类型"), choices=ClientPolicy.Kind.choices, initial=ClientPolicy.Kind.PERSON_SSO
    )
    confidential = forms.BooleanField(
        label=_("机密客户端（服务端保存密钥）"),
        required=False,
        initial=True,
        help_text=_("浏览器或手机应用内无法保管密钥的，取消勾选（仍须使用 PKCE）。"),
    )
    redirect_uris = forms.CharField(
        label=_("回调地址（每行一个）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("退出后跳转地址（每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    scopes = forms.MultipleChoiceField(
        label=_("批准的授权范围"),
        choices=SCOPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["openid"],
    )
    require_otp = forms.BooleanField(label=_("登录时要求短信验证码"), required=False)
    org_unit = forms.ModelChoiceField(
        label=_("所属单位"), queryset=OrgUnit.objects.all(), required=False
    )
    description = forms.CharField(label=_("说明"), max_length=255, required=False)
    contact = forms.CharField(label=_("联系人"), max_length=100, required=False)

    def clean_redirect_uris(self):
        return _lines(self.cleaned_data["redirect_uris"])

    def clean_post_logout_redirect_uris(self):
        return _lines(self.cleaned_data["post_logout_redirect_uris"])


class ClientPolicyForm(forms.Form):
    name = forms.CharField(label=_("应用名称"), max_length=255)
    redirect_uris = forms.CharField(
        label=_("回调地址（每行一个）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("退出后跳转地址（每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    scopes = forms.MultipleChoiceField(
        label=_("批准的授权范围"), choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    require_otp = forms.BooleanField(label=_("登录时要求短信验证码"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=ClientPolicy.Status.choices)

    def clean_redirect_uris(self):
        return _lines(self.cleaned_data["redirect_uris"])

    def clean_post_logout_redirect_uris(self):
        return _lines(self.cleaned_data["post_logout_redirect_uris"])
