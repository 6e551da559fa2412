"""drf-spectacular enum names for licensing choices added after the kernel's list (several
models share field names such as ``status`` and ``kind``)."""

ENUM_NAME_OVERRIDES = {
    "AnnualReportStatusEnum": "licensing.models.AnnualReportStatus",
    "DecisionKindEnum": "licensing.models.DecisionKind",
    "CancellationStatusEnum": "licensing.models.CancellationStatus",
}
