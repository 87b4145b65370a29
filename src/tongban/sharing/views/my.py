"""我的数据使用记录 (/my/data-usage/): which departments read my personal data, and why."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from tongban.sharing import selectors


@login_required
def data_usage(request):
    entries = selectors.data_usage_for_citizen(request.user)
    page = Paginator(entries, 20).get_page(request.GET.get("page"))
    context = {"page": page, "rows": selectors.usage_rows(page.object_list)}
    response = render(request, "sharing/my_data_usage.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
