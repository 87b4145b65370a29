"""Console pages for the audit chain: list with filters, event detail, chain verification.

Access: 平台运营 and 审计员 (``core.view_audit`` / ``core.verify_audit``), scoped like every
other record: a viewer sees the events whose org unit is within
``units_for(user, core.view_audit)`` (children included when the role covers them). Events
without an org unit (logins, system jobs) and the chain verification are for province-level
viewers only: those whose reach includes a root unit (省级 role). An event outside the
viewer's reach is reported as not found (404).

Personal data in event targets and ``data`` is masked unless the viewer may see that
record's PII (``masking.can_view_pii``), which operators and auditors by default may not.
The actor's name is masked the same way when the actor is a natural person (a citizen or
company user acting for themselves); staff actors' names stay readable: they are the
official trail of who did what in office, which is what the audit console is for.
"""

import json

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from tongban.core import audit, masking, permissions
from tongban.core.models import AuditEvent, OrgUnit

PAGE_SIZE = 50
PERSON_TARGET_TYPES = {"identity.user"}
STAFF_KIND = "staff"  # identity.User.Kind.STAFF (core does not import identity)


class AuditFilterForm(forms.Form):
    event_type = forms.CharField(
        label=_("事件类型"),
        required=False,
        max_length=100,
        help_text=_("完整类型，或以“.”结尾的前缀，如 cases."),
    )
    actor = forms.CharField(label=_("操作人"), required=False, max_length=100)
    target = forms.CharField(
        label=_("对象"), required=False, max_length=200, help_text=_("对象编号或名称")
    )
    date_from = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    org_unit = forms.ModelChoiceField(
        label=_("组织机构"), required=False, queryset=OrgUnit.objects.filter(is_active=True)
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("date_from")
            and cleaned.get("date_to")
            and cleaned["date_from"] > cleaned["date_to"]
        ):
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return cleaned


def province_level(user, permission: str) -> bool:
    """Does the user's reach for ``permission`` include a root org unit (the province)?"""
    return permissions.units_for(user, permission).filter(parent__isnull=True).exists()


def visible_events(user):
    """Audit events within the viewer's ``core.view_audit`` reach (see module docstring)."""
    units = permissions.units_for(user, permissions.CORE_VIEW_AUDIT)
    events = AuditEvent.objects.all()
    if units.filter(parent__isnull=True).exists():
        return events.filter(Q(org_unit__in=units) | Q(org_unit__isnull=True))
    return events.filter(org_unit__in=units)


def _actor_label(event, visible) -> str:
    actor = event.actor
    if actor is not None and getattr(actor, "kind", "") == STAFF_KIND:
        return event.actor_name
    return event.actor_name if visible else masking.mask_name(event.actor_name)


def _masked_label(event, visible) -> str:
    if event.target_type in PERSON_TARGET_TYPES and not visible:
        return masking.mask_name(event.target_label)
    return event.target_label if visible else masking.mask_text(event.target_label)


@require_GET
@permissions.require_perm_page(permissions.CORE_VIEW_AUDIT)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit.filter_events(**{k: v for k, v in filters.items() if v})
    events = events.filter(pk__in=visible_events(request.user).values("pk"))
    events = events.select_related("org_unit", "org_unit__parent", "actor")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    visible = masking.pii_checker(request.user)
    rows = []
    for event in page.object_list:
        subject = event.target_id if event.target_type in PERSON_TARGET_TYPES else None
        shown = visible(event.org_unit_id, subject)
        actor_shown = visible(event.org_unit_id, event.actor_id)
        rows.append((event, _masked_label(event, shown), _actor_label(event, actor_shown)))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "can_verify": province_level(request.user, permissions.CORE_VERIFY_AUDIT),
    }
    template = "console/audit_list_results.html" if request.htmx else "console/audit_list.html"
    return render(request, template, context)


@require_GET
@permissions.require_perm_page(permissions.CORE_VIEW_AUDIT)
def audit_detail(request, seq: int):
    events = visible_events(request.user).select_related("org_unit", "actor")
    event = get_object_or_404(events, seq=seq)
    subject = event.target_id if event.target_type in PERSON_TARGET_TYPES else None
    visible = masking.pii_checker(request.user)
    show_pii = visible(event.org_unit_id, subject)
    data = event.data if show_pii else masking.mask_data(event.data)
    context = {
        "event": event,
        "target_label": _masked_label(event, show_pii),
        "actor_label": _actor_label(event, visible(event.org_unit_id, event.actor_id)),
        "data_json": json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True),
        "show_pii": show_pii,
        "hash_ok": audit.event_digest(event) == event.hash,
    }
    return render(request, "console/audit_detail.html", context)


@require_POST
@permissions.require_perm_page(permissions.CORE_VERIFY_AUDIT)
def audit_verify(request):
    if not province_level(request.user, permissions.CORE_VERIFY_AUDIT):
        raise DjangoPermissionDenied(str(_("只有省级审计员或运营人员可以校验审计链。")))
    result = audit.verify_chain()
    context = {"result": result}
    template = "console/audit_verify_result.html" if request.htmx else "console/audit_verify.html"
    return render(request, template, context)
