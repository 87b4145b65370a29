"""Stable error codes of 好差评 (ratings) and rectifications. API clients rely on them."""


class Errors:
    # rating a case
    CASE_NOT_CONCLUDED = "case_not_concluded"  # only a concluded case can be rated
    ALREADY_RATED = "already_rated"  # 一次一评: one rating per case
    FORBIDDEN = "forbidden"  # only the applicant rates their case
    INVALID_LEVEL = "invalid_level"  # level is 1..5
    INVALID_TAG = "invalid_tag"  # tag not in the fixed list of the level's polarity
    TOO_MANY_TAGS = "too_many_tags"
    COMMENT_TOO_LONG = "comment_too_long"
    REASON_REQUIRED = "reason_required"  # a bad rating names a tag or gives a comment
    # rectifications
    NOTE_REQUIRED = "note_required"  # the callback record / closing result is empty
    NOTE_TOO_LONG = "note_too_long"
    RECTIFICATION_CLOSED = "rectification_closed"  # no callback or close after closing
    CALLBACK_REQUIRED = "callback_required"  # close only after the callback (回访)
