"""Hall configuration and statistics in the workbench (mounted at /workbench/halls/).

* ``/workbench/halls/``: the halls in reach (``servicedesk.view_hall_stats``); department
  admins and operators (``servicedesk.manage_hall``) create halls for their regions.
* ``/workbench/halls/<code>/``: windows (links to the window calling pages), the calling
  display, waiting-time statistics (today and the last 7 days); for hall admins also the
  forms for the hall, windows, slot templates and the kiosk address.

Writes go through ``tongban.servicedesk.services.halls``.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.exceptions import DomainError
from tongban.core.models import OrgUnit
from tongban.core.permissions import require_perm_page, units_for
from tongban.servicedesk import selectors_halls as selectors
from tongban.servicedesk.models import SlotTemplate
from tongban.servicedesk.permissions import (
    SERVICEDESK_CALL_TICKET,
    SERVICEDESK_MANAGE_HALL,
    SERVICEDESK_VIEW_HALL_STATS,
)
from tongban.servicedesk.services import halls as hall_services

WEEKDAYS = [
    (0, gettext_lazy("周一")),
    (1, gettext_lazy("周二")),
    (2, gettext_lazy("周三")),
    (3, gettext_lazy("周四")),
    (4, gettext_lazy("周五")),
    (5, gettext_lazy("周六")),
    (6, gettext_lazy("周日")),
]


# --- forms (shape only; the services check the rules) -----------------------------------------
class HallCreateForm(forms.Form):
    org_unit = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(), label=gettext_lazy("所属地区")
    )
    code = forms.SlugField(label=gettext_lazy("大厅编码"), max_length=40)
    name = forms.CharField(label=gettext_lazy("大厅名称"), max_length=100)
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200)
    opening_hours = forms.CharField(label=gettext_lazy("开放时间"), max_length=200, required=False)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = (
            regions if regions is not None else OrgUnit.objects.none()
        )


class HallEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("大厅名称"), max_length=100)
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200)
    opening_hours = forms.CharField(label=gettext_lazy("开放时间"), max_length=200, required=False)
    is_active = forms.BooleanField(label=gettext_lazy("启用"), required=False)


class WindowForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("窗口号"), max_length=8)
    name = forms.CharField(label=gettext_lazy("窗口名称"), max_length=60)
    departments = forms.CharField(
        label=gettext_lazy("服务部门（用顿号或逗号分隔；留空为综合窗口）"),
        max_length=500,
        required=False,
    )

    def department_list(self) -> list[str]:
        text = self.cleaned_data.get("departments", "")
        for separator in ("，", "、", ";", "；"):
            text = text.replace(separator, ",")
        return [part.strip() for part in text.split(",") if part.strip()]


class TemplateForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        label=gettext_lazy("星期"),
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(
        label=gettext_lazy("开始时间"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=gettext_lazy("结束时间"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    capacity = forms.IntegerField(label=gettext_lazy("可预约人数"), min_value=1, max_value=200)
    window = forms.TypedChoiceField(
        label=gettext_lazy("窗口"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, hall=None, **kwargs):
        super().__init__(*args, **kwargs)
        windows = list(hall.windows.all()) if hall is not None else []
        self.fields["window"].choices = [("", _("全大厅"))] + [(w.pk, str(w)) for w in windows]


def _manageable_regions(user):
    """Region units where the user may create halls: their own region units and the
    regions of their departments."""
    units = units_for(user, SERVICEDESK_MANAGE_HALL)
    regions = OrgUnit.objects.filter(kind__in=hall_services.REGION_KINDS, is_active=True)
    return regions.filter(pk__in=units) | regions.filter(children__in=units)


# --- pages ------------------------------------------------------------------------------------
@require_perm_page(SERVICEDESK_VIEW_HALL_STATS)
@require_http_methods(["GET", "POST"])
def hall_list(request):
    user = request.user
    regions = _manageable_regions(user).distinct()
    can_create = regions.exists()
    form = HallCreateForm(regions=regions) if can_create else None
    status = 200
    if request.method == "POST" and can_create:
        form = HallCreateForm(request.POST, regions=regions)
        if form.is_valid():
            try:
                hall = hall_services.create_hall(actor=user, **form.cleaned_data)
            except DomainError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, _("大厅已创建，请添加窗口和预约时段。"))
                return redirect("servicedesk_halls_workbench:hall_detail", code=hall.code)
        status = 400
    halls = selectors.halls_for(user, SERVICEDESK_VIEW_HALL_STATS).select_related("org_unit")
    return render(
        request,
        "servicedesk/hall_list.html",
        {"halls": halls, "form": form},
        status=status,
    )


def _detail_context(request, hall, **forms_):
    user = request.user
    can_manage = selectors.may_reach_hall(user, hall, SERVICEDESK_MANAGE_HALL)
    can_call = selectors.may_reach_hall(user, hall, SERVICEDESK_CALL_TICKET)
    day = _day(request.GET.get("day"))
    context = {
        "hall": hall,
        "windows": hall.windows.all().prefetch_related("items"),
        "templates": hall.slot_templates.filter(is_active=True).select_related("window"),
        "weekday_names": dict(WEEKDAYS),
        "can_manage": can_manage,
        "can_call": can_call,
        "stats": selectors.hall_day_stats(hall, day),
        "day_slots": selectors.slots_of_day(hall, day),
        "recent": selectors.hall_recent_stats(hall, last=timezone.localdate()),
        "day": day,
    }
    if can_manage:
        context.update(
            {
                "kiosk_url": request.build_absolute_uri(
                    reverse("servicedesk_hall:kiosk", args=[hall.kiosk_key])
                ),
                "hall_form": forms_.get("hall_form")
                or HallEditForm(
                    initial={
                        "name": hall.name,
                        "address": hall.address,
                        "opening_hours": hall.opening_hours,
                        "is_active": hall.is_active,
                    }
                ),
                "window_form": forms_.get("window_form") or WindowForm(),
                "template_form": forms_.get("template_form") or TemplateForm(hall=hall),
            }
        )
    return context


def _day(text) -> date:
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@require_perm_page(SERVICEDESK_VIEW_HALL_STATS)
def hall_detail(request, code: str):
    hall = selectors.access_hall(request.user, code, SERVICEDESK_VIEW_HALL_STATS)
    return render(request, "servicedesk/hall_detail.html", _detail_context(request, hall))


def _admin_hall(request, code):
    return selectors.access_hall(request.user, code, SERVICEDESK_MANAGE_HALL)


def _redisplay(request, hall, **forms_):
    context = _detail_context(request, hall, **forms_)
    return render(request, "servicedesk/hall_detail.html", context, status=400)


@require_POST
@require_perm_page(SERVICEDESK_MANAGE_HALL)
def hall_edit(request, code: str):
    hall = _admin_hall(request, code)
    form = HallEditForm(request.POST)
    if form.is_valid():
        try:
            hall_services.update_hall(hall, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("大厅信息已保存。"))
            return redirect("servicedesk_halls_workbench:hall_detail", code=hall.code)
    return _redisplay(request, hall, hall_form=form)


@require_POST
@require_perm_page(SERVICEDESK_MANAGE_HALL)
def window_add(request, code: str):
    hall = _admin_hall(request, code)
    form = WindowForm(request.POST)
    if form.is_valid():
        try:
            hall_services.add_window(
                hall,
                actor=request.user,
                number=form.cleaned_data["number"],
                name=form.cleaned_data["name"],
                departments=form.department_list(),
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("窗口已添加。"))
            return redirect("servicedesk_halls_workbench:hall_detail", code=hall.code)
    return _redisplay(request, hall, window_form=form)


class WindowEditForm(WindowForm):
    number = None  # the number stays


@require_POST
@require_perm_page(SERVICEDESK_MANAGE_HALL)
def window_edit(request, code: str, window_id: int):
    hall = _admin_hall(request, code)
    window = hall.windows.filter(pk=window_id).first()
    if window is None:
        raise DomainError("window_not_found", _("未找到该窗口，或您无权操作"), status=404)
    form = WindowEditForm(request.POST)
    if form.is_valid():
        try:
            hall_services.update_window(
                window,
                actor=request.user,
                name=form.cleaned_data["name"],
                departments=form.department_list(),
                is_active=window.is_active,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("窗口已保存。"))
    else:
        messages.error(request, _("请填写窗口名称。"))
    return redirect("servicedesk_halls_workbench:hall_detail", code=hall.code)


@require_POST
@require_perm_page(SERVICEDESK_MANAGE_HALL)
def window_toggle(request, code: str, window_id: int):
    hall = _admin_hall(request, code)
    window = hall.windows.filter(pk=window_id).first()
    if window is None:
        raise DomainError("window_not_found", _("未找到该窗口，或您无权操作"), status=404)
    hall_services.update_window(
        window,
        actor=request.user,
        name=window.name,
        departments=window.departments,
        is_active=not window.is_active,
    )
    messages.success(request, _("窗口已启用。") if not window.is_active else _("窗口已停用。"))
    return redirect("servicedesk_halls_workbench:hall_detail", code=hall.code)


@require_POST
@require_perm_page(SERVICEDESK_MANAGE_HALL)
def template_add(request, code: str):
    hall = _admin_hall(request, code)
    form = TemplateForm(request.POST, hall=hall)
    if form.is_valid():
        data = form.cleaned_data
        window = hall.windows.filter(pk=data["window"]).first() if data["window"] else None
        try:
            hall_services.add_slot_templates(
                hall,
                actor=request.user,
                weekdays=data["weekdays"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                capacity=data["capacity"],
                window=window,
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("预约时段已添加，已生成近期可预约时段。"))
            return redirect("servicedesk_halls_workbench:hall_detail", code=hall.code)
    return _redisplay(request, hall, template_form=form)


@require_POST
@require_perm_page(SERVICEDESK_MANAGE_HALL)
def template_remove(request, code: str, template_id: int):
    hall = _admin_hall(request, code)
    template = SlotTemplate.objects.filter(hall=hall, pk=template_id, is_active=True).first()
    if template is not None:
        hall_services.remove_slot_template(template, actor=request.user)
        messages.success(request, _("预约时段已删除（已有预约保留）。"))
    return redirect("servicedesk_halls_workbench:hall_detail", code=hall.code)
