from django.urls import path

from enforcement.api import views as v

urlpatterns = [
    path("enforcement/cases/", v.CaseListApi.as_view(), name="enforcement-cases"),
    path("enforcement/cases/<int:pk>/", v.CaseDetailApi.as_view(), name="enforcement-case"),
    path("enforcement/cases/<int:pk>/evidence/", v.EvidenceApi.as_view(), name="enforcement-evidence"),
    path(
        "enforcement/cases/<int:pk>/evidence/<int:evidence_id>/",
        v.EvidenceFileApi.as_view(),
        name="enforcement-evidence-file",
    ),
    path("enforcement/cases/<int:pk>/defences/", v.CaseDefenceApi.as_view(), name="enforcement-defence"),
    path(
        "enforcement/cases/<int:pk>/hearing-request/",
        v.CaseHearingRequestApi.as_view(),
        name="enforcement-hearing-request",
    ),
    path("enforcement/cases/<int:pk>/decision/", v.CaseDecisionApi.as_view(), name="enforcement-decide"),
    path(
        "enforcement/cases/<int:pk>/<str:action>/", v.CaseActionApi.as_view(), name="enforcement-case-action"
    ),
    path("enforcement/decisions/", v.DecisionListApi.as_view(), name="enforcement-decisions"),
    path("enforcement/decisions/<int:pk>/", v.DecisionDetailApi.as_view(), name="enforcement-decision"),
    path(
        "enforcement/decisions/<int:pk>/<str:action>/",
        v.DecisionActionApi.as_view(),
        name="enforcement-decision-action",
    ),
    path("public/penalties/", v.PublicPenaltyListApi.as_view(), name="public-penalties"),
    path("public/penalties/changes/", v.PublicPenaltyChangesApi.as_view(), name="public-penalty-changes"),
]
