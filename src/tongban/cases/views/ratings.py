"""好差评 pages of the applicant: /my/ratings/ (concluded cases and their ratings) and
/my/ratings/<number>/ (the rating form, once per case)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.cases.forms_evaluation import STARS, RatingForm
from tongban.cases.models import Case, Evaluation
from tongban.cases.selectors.evaluation import applicant_case, concluded_cases_of, evaluation_of
from tongban.cases.services.evaluation import rate_case
from tongban.core.exceptions import DomainError


def applicant_case_url(case) -> str:
    """The applicant's case page, when the applications pages are installed."""
    try:
        return reverse("my_cases:detail", args=[case.number])
    except NoReverseMatch:
        return ""


@login_required
def rating_list(request):
    cases = list(concluded_cases_of(request.user)[:100])
    rows = [(case, case.evaluation if _has_evaluation(case) else None) for case in cases]
    return render(request, "cases/rating_list.html", {"rows": rows, "stars": STARS})


def _has_evaluation(case) -> bool:
    try:
        return case.evaluation is not None
    except Evaluation.DoesNotExist:
        return False


@login_required
@require_http_methods(["GET", "POST"])
def rating_form(request, number):
    case = applicant_case(request.user, number)
    evaluation = evaluation_of(case)
    form = None
    if evaluation is None and case.status == Case.Status.CONCLUDED:
        form = RatingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                rate_case(
                    case,
                    actor=request.user,
                    level=form.cleaned_data["level"],
                    tags=form.tags(),
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, _("感谢您的评价！"))
                return redirect("ratings:rating_form", number=case.number)
    elif request.method == "POST":
        messages.error(
            request,
            _("该办件已评价过，每件只能评价一次。") if evaluation else _("办件办结后才能评价。"),
        )
    context = {
        "case": case,
        "evaluation": evaluation,
        "form": form,
        "evaluation_stars": STARS.get(evaluation.level, "") if evaluation else "",
        "case_url": applicant_case_url(case),
    }
    return render(request, "cases/rating_form.html", context)
