"""The Q&A assistant's API (智能问答) — /api/v1/servicedesk/.

Anonymous access, rate-limited per client IP (``servicedesk.services.answers``):

* ``GET /answers?q=…`` — items ranked best first (``name``, ``code`` = 基本编码, ``key``,
  ``url`` of the guide page, ``score``), matching FAQ entries, ``ask_back`` (choices when the
  question is ambiguous, else null), ``offer_human`` (nothing found: suggest a person) and
  ``answer_id`` for feedback and hand-off.
* ``POST /answers/{answer_id}/feedback`` — ``{"useful": true|false, "item": "<key>"}`` once.
* ``POST /answers/{answer_id}/handoff`` — ``{"contact_name", "contact_mobile",
  "division_code"}``: a consultation work order (12345) for the question, once.

The API treats every caller as anonymous (no session, no CSRF): a hand-off always needs the
contact fields. Error codes: ``tongban.servicedesk.errors_knowledge`` (``question_empty``,
``question_too_long``, ``qa_rate_limited`` 429, ``answer_not_found`` 404,
``feedback_already_given`` 409, ``feedback_item_not_shown``, ``handoff_already_done`` 409,
``contact_required``) and the work-order codes passed through from 12345.
"""

from uuid import UUID

from ninja import Field, Query, Router, Schema

from tongban.core.middleware import client_ip
from tongban.core.schemas import ErrorOut
from tongban.servicedesk.services import answers

router = Router(tags=["servicedesk: answers"])


class AnswerQuery(Schema):
    q: str = Field("", description="the question, at most 200 characters")


class AnswerItemOut(Schema):
    name: str
    code: str = Field(..., description="基本编码 of the item")
    key: str
    url: str = Field(..., description="the item's guide page")
    score: float


class AnswerFaqOut(Schema):
    id: int
    question: str
    answer: str
    items: list[str] = Field(..., description="codes of the linked items")


class AskBackOut(Schema):
    prompt: str
    choices: list[AnswerItemOut]


class AnswerOut(Schema):
    answer_id: UUID
    question: str
    items: list[AnswerItemOut]
    faqs: list[AnswerFaqOut]
    ask_back: AskBackOut | None
    offer_human: bool


class FeedbackIn(Schema):
    useful: bool
    item: str = Field("", max_length=80, description="key of the item judged (default: first)")


class FeedbackOut(Schema):
    answer_id: UUID
    feedback: str


class HandoffIn(Schema):
    contact_name: str = Field("", max_length=50)
    contact_mobile: str = Field("", max_length=20)
    division_code: str = Field("", max_length=12)


class HandoffOut(Schema):
    answer_id: UUID
    work_order: str


def item_out(request, doc, score: float) -> dict:
    return {
        "name": doc.name,
        "code": doc.code,
        "key": doc.key,
        "url": request.build_absolute_uri(doc.url),
        "score": score,
    }


def answer_out(request, answer: answers.Answer) -> dict:
    ranking = answer.ranking
    scores = {ranked.doc.key: ranked.score for ranked in ranking.items}
    ask_back = None
    if ranking.ask_back:
        ask_back = {
            "prompt": answer.ask_back_prompt,
            "choices": [
                item_out(request, doc, scores.get(doc.key, 0.0)) for doc in ranking.ask_back
            ],
        }
    return {
        "answer_id": answer.log.public_id,
        "question": answer.log.question,
        "items": [item_out(request, r.doc, r.score) for r in ranking.items],
        "faqs": [
            {
                "id": hit.doc.faq_id,
                "question": hit.doc.question,
                "answer": hit.doc.answer,
                "items": list(hit.doc.item_codes),
            }
            for hit in ranking.faqs
        ],
        "ask_back": ask_back,
        "offer_human": answer.offer_human,
    }


@router.get(
    "/answers",
    response={200: AnswerOut, 400: ErrorOut, 429: ErrorOut},
    operation_id="servicedesk_get_answers",
    summary="Answer a question (智能问答)",
)
def get_answers(request, query: Query[AnswerQuery]):
    answer = answers.ask(query.q, user=None, ip=client_ip(request), channel="api")
    return answer_out(request, answer)


@router.post(
    "/answers/{answer_id}/feedback",
    response={200: FeedbackOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    operation_id="servicedesk_create_answer_feedback",
    summary="Say whether an answer helped",
)
def create_feedback(request, answer_id: str, payload: FeedbackIn):
    log = answers.give_feedback(
        actor=None, answer_id=answer_id, useful=payload.useful, item_key=payload.item
    )
    return {"answer_id": log.public_id, "feedback": log.feedback}


@router.post(
    "/answers/{answer_id}/handoff",
    response={200: HandoffOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    operation_id="servicedesk_create_answer_handoff",
    summary="Hand the question to a person (12345 consultation work order)",
)
def create_handoff(request, answer_id: str, payload: HandoffIn):
    order = answers.hand_off(
        actor=None,
        answer_id=answer_id,
        contact_name=payload.contact_name,
        contact_mobile=payload.contact_mobile,
        division_code=payload.division_code,
        ip=client_ip(request),
    )
    reference = str(getattr(order, "number", "") or getattr(order, "pk", ""))
    return {"answer_id": answer_id, "work_order": reference}
