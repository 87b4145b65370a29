"""Pages: my companies (法人), binding, agents (经办人). Mounted at /account/companies/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.exceptions import DomainError, NotFound
from tongban.identity.forms_companies import AgentAuthoriseForm, CompanyBindForm
from tongban.identity.models import AgentScope
from tongban.identity.services import companies as company_services


def _access(request, uscc):
    try:
        return company_services.access_company(request.user, uscc)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _detail_context(request, company, agent_form=None):
    legal_rep = company_services.is_legal_rep(request.user, company)
    my_grants = company_services.agent_authorisations_for(request.user).filter(company=company)
    return {
        "company": company,
        "is_legal_rep": legal_rep,
        "my_scopes": sorted({s for g in my_grants for s in g.scopes}),
        "my_grants": my_grants,
        "scope_labels": dict(AgentScope.choices),
        "agents": company_services.agents_of(company) if legal_rep else [],
        "agent_form": agent_form or (AgentAuthoriseForm() if legal_rep else None),
    }


@login_required
def company_list(request):
    return render(
        request,
        "identity/company_list.html",
        {
            "companies": company_services.companies_for(request.user),
            "grants": company_services.agent_authorisations_for(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_bind(request):
    form = CompanyBindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = company_services.bind_company(
                request.user, form.cleaned_data["uscc"], actor=request.user
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("已绑定法人：%(name)s") % {"name": company.name})
            return redirect("companies:company_detail", uscc=company.uscc)
    context = {"form": form, "suggestions": company_services.bindable_entities(request.user)}
    return render(
        request, "identity/company_bind.html", context, status=400 if form.errors else 200
    )


@login_required
def company_detail(request, uscc):
    company = _access(request, uscc)
    return render(request, "identity/company_detail.html", _detail_context(request, company))


@login_required
@require_http_methods(["GET", "POST"])
def agent_add(request, uscc):
    company = _access(request, uscc)
    if not company_services.acting_for(request.user, company, AgentScope.MANAGE_AGENTS):
        raise PermissionDenied(_("只有法定代表人可以管理经办人"))
    form = AgentAuthoriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = company_services.authorise_agent(
                company,
                agent_id_number=form.cleaned_data["agent_id_number"],
                agent_name=form.cleaned_data["agent_name"],
                scopes=set(form.cleaned_data["scopes"]),
                expires_on=form.cleaned_data["expires_on"],
                actor=request.user,
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("已授权经办人：%(name)s") % {"name": grant.agent.name})
            return redirect("companies:company_detail", uscc=company.uscc)
    status = 400 if form.errors else 200
    return render(
        request,
        "identity/company_agent_form.html",
        {"company": company, "form": form},
        status=status,
    )


@login_required
@require_POST
def agent_revoke(request, uscc, authorisation_id):
    company = _access(request, uscc)
    try:
        company_services.revoke_agent(company, authorisation_id, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销该经办人授权"))
    if request.htmx:
        return render(
            request, "identity/company_agents_partial.html", _detail_context(request, company)
        )
    return redirect("companies:company_detail", uscc=company.uscc)
