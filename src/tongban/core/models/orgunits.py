"""Org units: province → cities → counties (regions), with departments at each level.

A region unit carries its GB/T 2260 division code; a department unit hangs under a region
(``parent``) and carries the department name (e.g. 市场监督管理局). Staff get roles
within an org unit, optionally covering its children.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnit(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县区")
        DEPARTMENT = "department", _("部门")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    division_code = models.CharField(_("行政区划代码"), max_length=12, db_index=True)
    # Materialised path of ancestor pks ("/1/5/23/") so "this unit and its children" is
    # one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.kind == self.Kind.DEPARTMENT and self.parent_id:
            return f"{self.parent.name}{self.name}"
        return self.name


class RoleAssignment(models.Model):
    class Role(models.TextChoices):
        WINDOW_CLERK = "window_clerk", _("窗口受理员")
        APPROVER = "approver", _("审批员")
        DEPT_ADMIN = "dept_admin", _("部门管理员")
        OPERATOR = "operator", _("平台运营")
        AUDITOR = "auditor", _("审计员")
        FINANCE = "finance", _("财务人员")
        HOTLINE_OPERATOR = "hotline_operator", _("12345 话务员")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    covers_children = models.BooleanField(_("含下级"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "org_unit", "role"], name="uniq_role_assignment"
            )
        ]
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.org_unit}"
