"""Staff lookup page: a person or a legal entity by ID number / USCC (workbench)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from tongban.core import permissions
from tongban.registries import selectors, services


@permissions.require_perm_page(permissions.REGISTRIES_VIEW_PERSON)
def lookup(request):
    query = (request.GET.get("q") or "").strip()
    person = entity = None
    entities = []
    error = ""
    if query:
        if len(query) != 18:
            error = _("请输入 18 位身份证号码或统一社会信用代码。")
        else:
            found = selectors.find_person(query)
            if found is not None:
                # The represented entities are listed with the person: one audit event
                # (person_viewed) covers them, their count recorded.
                entities = [
                    selectors.entity_for_reader(request.user, e)
                    for e in selectors.entities_represented_by(found.id_number)[:20]
                ]
                person = services.read_person(
                    actor=request.user, person=found, entities_listed=len(entities)
                )
            elif permissions.has_perm(request.user, permissions.REGISTRIES_VIEW_ENTITY):
                found_entity = selectors.find_entity(query)
                if found_entity is not None:
                    entity = services.read_entity(actor=request.user, entity=found_entity)
            if person is None and entity is None:
                error = _("人口库和法人库中均未找到该号码。")
    context = {
        "query": query,
        "person": person,
        "entity": entity,
        "entities": entities,
        "error": error,
    }
    template = "registries/partials/_result.html" if request.htmx else "registries/lookup.html"
    return render(request, template, context)
