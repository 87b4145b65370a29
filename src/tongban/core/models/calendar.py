"""Working-day calendar: statutory holidays and adjusted working weekends (调休).

The yearly arrangements ship as data (``tongban/core/data/calendar.yaml``) and are loaded into
this table by ``tongban.core.calendar.load_calendar_data``; operators edit rows in the console.
A row edited by an operator (``source=operator``) is never overwritten by a later load.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")
        # An operator override that cancels a data-file entry: the day follows the ordinary
        # rule again (Monday–Friday work, weekend rest).
        REGULAR = "regular", _("按常规")

    class Source(models.TextChoices):
        DATA = "data", _("数据文件")
        OPERATOR = "operator", _("运营人员")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.DATA)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
