"""Permissions of data quality, error reports and the sharing metrics.

* ``sharing.manage_quality`` — 部门管理员 (their department's resources), 平台运营: quality
  rules, running a quality check.
* ``sharing.view_quality`` — 部门管理员, 平台运营, 审计员: quality reports (per resource and
  per department).
* ``sharing.report_correction`` — 部门管理员 of a consumer department holding a grant:
  report a data error (数据纠错) and confirm the correction.
* ``sharing.answer_correction`` — 部门管理员 of the providing department: accept or reject
  with reasons, record the correction.
* ``sharing.oversee_quality`` — 平台运营, 审计员: the console's quality of every department
  and the escalated error reports.
* ``sharing.view_metrics`` — 平台运营, 审计员: the sharing metrics of every department.

Escalated (overdue) error reports are overseen by the platform operator with
``sharing.arbitrate_share``.
"""

from tongban.core.permissions import Role, register_permissions

SHARING_MANAGE_QUALITY = "sharing.manage_quality"
SHARING_VIEW_QUALITY = "sharing.view_quality"
SHARING_REPORT_CORRECTION = "sharing.report_correction"
SHARING_ANSWER_CORRECTION = "sharing.answer_correction"
SHARING_VIEW_METRICS = "sharing.view_metrics"
SHARING_OVERSEE_QUALITY = "sharing.oversee_quality"

GRANTS = {
    Role.DEPT_ADMIN: [
        SHARING_MANAGE_QUALITY,
        SHARING_VIEW_QUALITY,
        SHARING_REPORT_CORRECTION,
        SHARING_ANSWER_CORRECTION,
    ],
    Role.OPERATOR: [
        SHARING_MANAGE_QUALITY,
        SHARING_VIEW_QUALITY,
        SHARING_OVERSEE_QUALITY,
        SHARING_VIEW_METRICS,
    ],
    Role.AUDITOR: [SHARING_VIEW_QUALITY, SHARING_OVERSEE_QUALITY, SHARING_VIEW_METRICS],
}


def register() -> None:
    register_permissions(GRANTS)


register()
