"""drf-spectacular enum names for credit choices added after the kernel's list (several
models share field names such as ``status``)."""

ENUM_NAME_OVERRIDES = {
    "GradeStatusEnum": "credit.models.GradeStatus",
    "NoticeMethodEnum": "credit.models.NoticeMethod",
}
