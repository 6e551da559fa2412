from django.urls import path

from regulator.api import views

urlpatterns = [
    path("auth/token/", views.TokenApi.as_view(), name="auth-token"),
    path("auth/me/", views.MeApi.as_view(), name="auth-me"),
    path("auth/tokens/", views.TokenListApi.as_view(), name="auth-token-list"),
    path("auth/tokens/<int:token_id>/", views.TokenRevokeApi.as_view(), name="auth-token-revoke"),
    path("enterprises/", views.EnterpriseListCreateApi.as_view(), name="enterprise-list"),
    path("enterprises/<str:uscc>/", views.EnterpriseDetailApi.as_view(), name="enterprise-detail"),
    path("audit-events/", views.AuditEventListApi.as_view(), name="audit-event-list"),
    path("public/audit-chain/", views.PublicAuditChainApi.as_view(), name="public-audit-chain"),
]
