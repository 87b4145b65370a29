"""Permissions of uploaded datasets and the open data portal.

* ``sharing.import_dataset`` — 部门管理员: import CSV/XLSX versions of their department's
  dataset-backed resources and download every version with all items.
* ``sharing.publish_dataset`` — 部门管理员 (their department's resources), 平台运营 (any):
  publish a resource on the open data portal or withdraw it.
* ``sharing.manage_negative_list`` — 平台运营: the 不予开放 list.

Reading the portal and the CKAN-compatible API needs no permission (有条件开放 datasets need
a login for downloads and row queries).
"""

from tongban.core.permissions import Role, register_permissions

SHARING_IMPORT_DATASET = "sharing.import_dataset"
SHARING_PUBLISH_DATASET = "sharing.publish_dataset"
SHARING_MANAGE_NEGATIVE_LIST = "sharing.manage_negative_list"

GRANTS = {
    Role.DEPT_ADMIN: [SHARING_IMPORT_DATASET, SHARING_PUBLISH_DATASET],
    Role.OPERATOR: [SHARING_PUBLISH_DATASET, SHARING_MANAGE_NEGATIVE_LIST],
}


def register() -> None:
    register_permissions(GRANTS)


register()

# Department systems upload new dataset versions with a client-credentials token holding
# this scope (registered in config/oidc.py MACHINE_SCOPES); the client's org unit must be the
# providing department or above it.
DATASETS_SCOPE = "sharing:datasets"
