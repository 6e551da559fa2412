"""drf-spectacular enum names for the enforcement choices (several share field names)."""

ENUM_NAME_OVERRIDES = {
    "CaseStatusEnum": "enforcement.models.CaseStatus",
    "CaseSourceKindEnum": "enforcement.models.SourceKind",
    "DecisionOutcomeEnum": "enforcement.models.Outcome",
    "PenaltyKindEnum": "enforcement.models.PenaltyKind",
    "DecisionStatusEnum": "enforcement.models.DecisionStatus",
    "PerformanceStatusEnum": "enforcement.models.PerformanceStatus",
    "AnnulmentKindEnum": "enforcement.models.AnnulmentKind",
    "EffectKindEnum": "enforcement.models.EffectKind",
    "EffectStatusEnum": "enforcement.models.EffectStatus",
}
