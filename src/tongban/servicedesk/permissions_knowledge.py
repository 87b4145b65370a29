"""Permissions of the knowledge base (智能问答知识库).

* ``servicedesk.manage_faq`` — 部门管理员 (their department's entries, within their org-unit
  reach) and 运维人员 (the whole platform): create, edit and retire FAQ entries.

Asking questions needs no permission (anonymous citizens ask; the API is rate-limited per
client). ``register()`` runs from ``ServiceDeskConfig.ready`` and at import time.
"""

from tongban.core.permissions import Role, register_permissions

SERVICEDESK_MANAGE_FAQ = "servicedesk.manage_faq"

GRANTS = {
    Role.DEPT_ADMIN: [SERVICEDESK_MANAGE_FAQ],
    Role.OPERATOR: [SERVICEDESK_MANAGE_FAQ],
}


def register() -> None:
    register_permissions(GRANTS)


register()
