from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "tongban.catalog"
    label = "catalog"
    verbose_name = "政务服务事项目录"

    def ready(self) -> None:
        from tongban.core import permissions
        from tongban.core.views_areas import Tool, register_tool

        register_tool(
            "portal",
            Tool("catalog:item_search", _("办事服务"), _("查找事项、查看办事指南、在线申办"), ""),
        )
        register_tool(
            "console",
            Tool(
                "catalog_console:item_list",
                _("事项管理"),
                _("起草、发布、停止受理事项，维护实施清单时限"),
                permissions.CATALOG_MANAGE_ITEM,
            ),
        )
