"""Shells of the staff areas: workbench (窗口/审批) and console (管理/运营/审计)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def workbench_home(request):
    return render(request, "workbench/home.html")


@login_required
def console_home(request):
    return render(request, "console/home.html")
