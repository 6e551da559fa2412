"""drf-spectacular enum names for complaint choices (several apps have ``status``, ``kind``
and ``outcome`` fields with different choices)."""

ENUM_NAME_OVERRIDES = {
    "ComplaintStatusEnum": "complaints.models.Status",
    "ComplaintKindEnum": "complaints.models.Kind",
    "ComplaintOutcomeEnum": "complaints.models.Outcome",
    "ComplaintCategoryEnum": "complaints.models.Category",
    "ComplaintChannelEnum": "complaints.models.Channel",
    "ComplaintRejectReasonEnum": "complaints.models.RejectReason",
}
