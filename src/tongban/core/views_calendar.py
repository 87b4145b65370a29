"""Console page for the working-day calendar (平台运营 only: ``core.manage_calendar``).

GET shows a year's holidays and 调休 working days (data file merged with operators' edits);
POST sets one day. Each change goes through the services in ``tongban.core.calendar`` and
is audited there.
"""

from datetime import date

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core import calendar, permissions
from tongban.core.exceptions import DomainError
from tongban.core.models import CalendarDay

manage_calendar = permissions.require_perm_page(permissions.CORE_MANAGE_CALENDAR)


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("类型"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(
        label=_("名称"), required=False, max_length=50, help_text=_("如：春节、国庆节调休")
    )


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2099 else timezone.localdate().year


def _url(year: int) -> str:
    return f"{reverse('console:calendar_list')}?year={year}"


@require_http_methods(["GET", "POST"])
@manage_calendar
def calendar_list(request):
    year = _year(request)
    if request.method == "POST":
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            try:
                row = calendar.set_calendar_day(
                    actor=request.user,
                    day=form.cleaned_data["date"],
                    kind=form.cleaned_data["kind"],
                    name=form.cleaned_data["name"],
                )
            except DomainError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, _t("已保存 %(date)s。") % {"date": row.date.isoformat()})
                return redirect(_url(row.date.year))
    else:
        form = CalendarDayForm(
            initial={
                "date": date(year, 1, 1)
                if year != timezone.localdate().year
                else timezone.localdate()
            }
        )
    years = calendar.data_file_years()
    context = {
        "form": form,
        "year": year,
        "entries": calendar.entries_for_year(year),
        "year_info": years.get(year),
        "years": sorted(set(years) | {year}),
        "kinds": CalendarDay.Kind,
        "working_days": calendar.working_days_between(date(year - 1, 12, 31), date(year, 12, 31)),
    }
    template = "console/calendar_year.html" if request.htmx else "console/calendar_list.html"
    return render(request, template, context, status=400 if form.is_bound else 200)


@require_POST
@manage_calendar
def calendar_reset(request, day: str):
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        messages.error(request, _t("日期格式不正确。"))
        return redirect(reverse("console:calendar_list"))
    try:
        calendar.reset_calendar_day(actor=request.user, day=parsed)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _t("已恢复 %(date)s 的默认安排。") % {"date": day})
    return redirect(_url(parsed.year))


@require_POST
@manage_calendar
def calendar_load(request):
    counts = calendar.load_calendar_data(actor=request.user)
    messages.success(
        request,
        _t("已从数据文件载入：新增 %(created)d，更新 %(updated)d，保留运营修改 %(kept)d。")
        % counts,
    )
    return redirect(_url(_year(request)))
