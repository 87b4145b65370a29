"""Template tags for pages of other apps that show licences used as materials.

``{% licence_materials materials as rows %}`` — for the case materials whose source is
"licence": the licence (looked up by its identifier), its fields in layout order (masked
unless the page's ``pii_visible`` says otherwise) and its verification result
(``licences.services.verification.verify_licence``: signature, seal, status). The page that
includes it has already checked that the viewer may see the case; a licence attached to an
application is shown to the staff handling it (the applicant consented when attaching).
"""

from __future__ import annotations

from django import template

from tongban.core import masking
from tongban.licences import selectors
from tongban.licences.models import Licence

register = template.Library()


def _verify(licence):
    from tongban.licences.services.verification import verify_licence

    return verify_licence(licence)


@register.simple_tag(takes_context=True)
def licence_materials(context, materials) -> list[dict]:
    wanted = [
        m
        for m in (materials or [])
        if getattr(m, "source", "") == "licence" and getattr(m, "licence_ref", "")
    ]
    if not wanted:
        return []
    licences = {
        lic.identifier: lic
        for lic in Licence.objects.select_related(
            "licence_type", "issuer__parent", "seal_key__seal"
        ).filter(identifier__in=[m.licence_ref for m in wanted])
    }
    visible = bool(context.get("pii_visible", False))
    rows = []
    for material in wanted:
        licence = licences.get(material.licence_ref)
        if licence is None:
            rows.append({"material": material, "licence": None})
            continue
        fields = selectors.field_rows(licence)
        if not visible:
            fields = [
                dict(row, value=masking.mask_data(row["value"], key=row["name"])) for row in fields
            ]
        rows.append(
            {
                "material": material,
                "licence": licence,
                "fields": fields,
                "holder_code": licence.holder_code
                if visible or licence.holder_type == "legal"
                else masking.mask_id_number(licence.holder_code),
                "result": _verify(licence),
            }
        )
    return rows
