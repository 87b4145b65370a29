"""Stable error codes of the knowledge base and the Q&A assistant (智能问答).

Clients rely on these codes (API JSON ``{"code", "message", "field"}``); messages are Chinese
and shown to users. The codes are unique across the service-desk app (its other areas keep
theirs in ``errors.py``).
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class KnowledgeError(StrEnum):
    # asking
    QUESTION_EMPTY = "question_empty"
    QUESTION_TOO_LONG = "question_too_long"
    QA_RATE_LIMITED = "qa_rate_limited"
    # feedback and hand-off to a person
    ANSWER_NOT_FOUND = "answer_not_found"
    FEEDBACK_ALREADY_GIVEN = "feedback_already_given"
    FEEDBACK_ITEM_NOT_SHOWN = "feedback_item_not_shown"
    HANDOFF_ALREADY_DONE = "handoff_already_done"
    CONTACT_REQUIRED = "contact_required"
    # FAQ entries (maintained by departments)
    FAQ_NOT_FOUND = "faq_not_found"
    FAQ_QUESTION_REQUIRED = "faq_question_required"
    FAQ_ANSWER_REQUIRED = "faq_answer_required"
    FAQ_TEXT_TOO_LONG = "faq_text_too_long"
    FAQ_ITEM_UNKNOWN = "faq_item_unknown"
    FAQ_UNIT_NOT_ALLOWED = "faq_unit_not_allowed"
    FAQ_RETIRED = "faq_retired"


MESSAGES = {
    KnowledgeError.QUESTION_EMPTY: _("请输入您的问题，例如“身份证过期了怎么办”。"),
    KnowledgeError.QUESTION_TOO_LONG: _("问题太长了，请用一两句话描述（最多 %(limit)s 个字）。"),
    KnowledgeError.QA_RATE_LIMITED: _("提问过于频繁，请稍后再试。"),
    KnowledgeError.ANSWER_NOT_FOUND: _("未找到这条回答，请重新提问。"),
    KnowledgeError.FEEDBACK_ALREADY_GIVEN: _("您已评价过这条回答，谢谢！"),
    KnowledgeError.FEEDBACK_ITEM_NOT_SHOWN: _("只能评价回答中列出的事项。"),
    KnowledgeError.HANDOFF_ALREADY_DONE: _("这个问题已转人工客服，请留意回复。"),
    KnowledgeError.CONTACT_REQUIRED: _("请填写联系人姓名和 11 位手机号码，方便人工客服回复您。"),
    KnowledgeError.FAQ_NOT_FOUND: _("未找到该常见问题，或您无权维护。"),
    KnowledgeError.FAQ_QUESTION_REQUIRED: _("请填写问题。"),
    KnowledgeError.FAQ_ANSWER_REQUIRED: _("请填写解答。"),
    KnowledgeError.FAQ_TEXT_TOO_LONG: _(
        "内容过长：问题最多 100 字，其他问法最多 1000 字，解答最多 2000 字。"
    ),
    KnowledgeError.FAQ_ITEM_UNKNOWN: _("关联事项不存在或未发布。"),
    KnowledgeError.FAQ_UNIT_NOT_ALLOWED: _("您不能为该单位维护常见问题。"),
    KnowledgeError.FAQ_RETIRED: _("该常见问题已停用，不能再修改。"),
}

STATUS = {
    KnowledgeError.QA_RATE_LIMITED: 429,
    KnowledgeError.ANSWER_NOT_FOUND: 404,
    KnowledgeError.FAQ_NOT_FOUND: 404,
    KnowledgeError.FEEDBACK_ALREADY_GIVEN: 409,
    KnowledgeError.HANDOFF_ALREADY_DONE: 409,
    KnowledgeError.FAQ_RETIRED: 409,
    KnowledgeError.FAQ_UNIT_NOT_ALLOWED: 403,
}

error = ErrorCatalogue(MESSAGES, STATUS)
"""Build the ``DomainError`` for a code (raise the result)."""
