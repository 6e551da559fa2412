"""drf-spectacular enum names for inspection choices (several models share field names such
as ``status``, ``kind``, ``outcome`` and ``method``)."""

ENUM_NAME_OVERRIDES = {
    "CampaignStatusEnum": "inspections.models.CampaignStatus",
    "CampaignKindEnum": "inspections.models.CampaignKind",
    "InspectionStatusEnum": "inspections.models.InspectionStatus",
    "InspectionOutcomeEnum": "inspections.models.Outcome",
    "InspectionMethodEnum": "inspections.models.Method",
    "InspectionSeverityEnum": "inspections.models.Severity",
    "ConflictKindEnum": "inspections.models.ConflictKind",
}
