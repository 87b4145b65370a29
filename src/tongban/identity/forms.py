"""Forms for citizen account pages: shape only; business rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RegisterForm(forms.Form):
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        min_length=15,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    name = forms.CharField(
        label=_("姓名"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=11,
        min_length=11,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "numeric"}
        ),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        help_text=_("至少 8 位，不能全为数字，不能过于常见。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class SendCodeForm(forms.Form):
    mobile = forms.CharField(label=_("手机号"), max_length=11)


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("身份证号或手机号"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    code = forms.RegexField(
        label=_("短信验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("请输入 6 位数字验证码。")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class RealnameForm(forms.Form):
    name = forms.CharField(label=_("姓名（与身份证一致）"), max_length=30)


class FaceCheckForm(forms.Form):
    selfie = forms.CharField(label=_("人脸采集结果"), max_length=64)


class InPersonForm(forms.Form):
    id_number = forms.CharField(label=_("申请人身份证号"), max_length=18)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("确认新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("new_password")
            and data.get("new_password2")
            and data["new_password"] != data["new_password2"]
        ):
            self.add_error("new_password2", _("两次输入的密码不一致。"))
        return data
