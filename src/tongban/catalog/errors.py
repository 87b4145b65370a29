"""Stable error codes of the service catalogue (clients rely on them)."""


class Errors:
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    # versions
    VERSION_NOT_EDITABLE = "version_not_editable"  # published/superseded/submitted: immutable
    VERSION_WRONG_STATE = "version_wrong_state"  # e.g. publishing a draft not yet submitted
    OPEN_VERSION_EXISTS = "open_version_exists"  # a draft or submitted version already exists
    NOTHING_TO_COPY = "nothing_to_copy"
    PROMISED_EXCEEDS_LEGAL = "promised_exceeds_legal"
    INVALID_VALUE = "invalid_value"
    MATERIAL_NAME_REQUIRED = "material_name_required"
    UNKNOWN_LICENCE_TYPE = "unknown_licence_type"
    PROCESS_INVALID = "process_invalid"
    IMPLEMENTATIONS_EXCEED_LEGAL = "implementations_exceed_legal"
    # items
    ITEM_ALREADY_WITHDRAWN = "item_already_withdrawn"
    ITEM_NOT_WITHDRAWN = "item_not_withdrawn"
    ITEM_WITHDRAWN = "item_withdrawn"  # no new applications for a withdrawn item
    ITEM_NOT_PUBLISHED = "item_not_published"
    # implementations
    LEGAL_EXCEEDS_ITEM = "legal_exceeds_item"
    IMPLEMENTATION_INACTIVE = "implementation_inactive"
    # import
    IMPORT_DATA_INVALID = "import_data_invalid"


ALL_CODES = sorted(value for name, value in vars(Errors).items() if name.isupper())
