from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "tongban.licences"
    label = "licences"
    verbose_name = "电子证照"

    def ready(self) -> None:
        from tongban.core.views_areas import Tool, register_tool
        from tongban.licences import permissions
        from tongban.licences.services import seals  # noqa: F401  (registers the key field)

        permissions.register()
        register_tool(
            "my", Tool("wallet:licence_list", _("我的证照"), _("电子证照下载、亮证、分享"), "")
        )
        register_tool(
            "console",
            Tool(
                "licences_console:seal_list",
                _("电子印章"),
                _("本部门电子印章：制发、暂停、注销、密钥轮换与印章证书"),
                permissions.LICENCES_MANAGE_SEAL,
            ),
        )
        register_tool(
            "console",
            Tool(
                "licences_console:type_list",
                _("证照类型"),
                _("本部门电子证照类型：照面信息项、启用与停用"),
                permissions.LICENCES_MANAGE_TYPES,
            ),
        )
        register_tool(
            "console",
            Tool(
                "licences_console:issue_start",
                _("签发电子证照"),
                _("逐份签发或 CSV 批量导入电子证照"),
                permissions.LICENCES_ISSUE_LICENCE,
            ),
        )
        register_tool(
            "console",
            Tool(
                # shown to those who may act on a licence's status; window clerks see attached
                # licences verified on the workbench case page instead
                "licences_console:status_lookup",
                _("证照状态管理"),
                _("核验本部门签发的证照，暂停、恢复或撤销并通知持证人"),
                permissions.LICENCES_ISSUE_LICENCE,
            ),
        )
        register_tool(
            "console",
            Tool(
                "licences_console:trust_list",
                _("证照信任列表"),
                _("导入外省等外部平台签发机构公钥，使其证照可在本平台核验"),
                permissions.LICENCES_MANAGE_TRUST,
            ),
        )
