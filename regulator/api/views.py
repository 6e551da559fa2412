import django_filters
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApplicationError
from regulator import selectors, services, tokens
from regulator.api import serializers as s
from regulator.filters import UTCDateTimeFilter
from regulator.idempotency import OPENAPI_HEADER as IDEMPOTENCY_HEADER
from regulator.idempotency import idempotent
from regulator.models import ApiToken, AuditEvent, Enterprise
from regulator.permissions import roles


class TokenApi(APIView):
    """Exchange username and password for an API token (expiring: ``expires_at``).

    Throttled per client address (scope ``login``) and per submitted username (scope
    ``login_account``); repeated wrong passwords also lock the account (regulator.backends)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "login"
    throttle_account_field = "username"
    throttle_account_scope = "login_account"

    @extend_schema(request=s.TokenInput, responses={200: s.TokenOutput})
    def post(self, request):
        data = s.TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None or not user.is_active:
            # One answer for a wrong password, an unknown user and a locked account.
            raise ApplicationError(
                _("Unable to log in with the given credentials."),
                errors={
                    "non_field_errors": [
                        _(
                            "Wrong username or password, or the account is locked for a while after repeated failures."
                        )
                    ]
                },
                code="authentication_failed",
            )
        row, raw = tokens.token_issue(user=user)
        return Response({"token": raw, "expires_at": row.expires_at})


class TokenListApi(generics.ListAPIView):
    """The signed-in user's own live tokens (never the token itself: only its first characters)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ApiTokenOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return tokens.token_list(actor=self.request.user)


class TokenRevokeApi(APIView):
    """The owner revokes one of its tokens (another user's token is a 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, token_id: int):
        tokens.token_revoke(actor=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.MeOutput)
    def get(self, request):
        return Response(s.MeOutput(request.user).data)


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    province = django_filters.CharFilter()

    class Meta:
        model = Enterprise
        fields = ["q", "province"]


class EnterpriseListCreateApi(generics.ListAPIView):
    """The enterprise register. Enterprise users see only their own enterprise."""

    permission_classes = [roles("officer", "supervisor", read=("enterprise", "inspector", "handler"))]
    serializer_class = s.EnterpriseOutput
    filterset_class = EnterpriseFilter

    def get_queryset(self):
        return selectors.enterprise_list(actor=self.request.user)

    @extend_schema(
        request=s.EnterpriseInput, responses={201: s.EnterpriseOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("enterprise.create")
    def post(self, request):
        data = s.EnterpriseInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        ent = services.enterprise_create(actor=request.user, uscc_code=v.pop("uscc"), **v)
        return Response(s.EnterpriseOutput(ent).data, status=status.HTTP_201_CREATED)


class EnterpriseDetailApi(APIView):
    permission_classes = [roles("officer", "supervisor", read=("enterprise", "inspector", "handler"))]

    @extend_schema(responses=s.EnterpriseOutput)
    def get(self, request, uscc: str):
        ent = selectors.enterprise_get(actor=request.user, code=uscc)
        return Response(s.EnterpriseOutput(ent).data)

    @extend_schema(request=s.EnterpriseUpdateInput, responses=s.EnterpriseOutput)
    def patch(self, request, uscc: str):
        ent = selectors.enterprise_get(actor=request.user, code=uscc)
        data = s.EnterpriseUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        ent = services.enterprise_update(actor=request.user, enterprise=ent, **data.validated_data)
        return Response(s.EnterpriseOutput(ent).data)


class AuditEventFilter(django_filters.FilterSet):
    since = UTCDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    until = UTCDateTimeFilter(field_name="occurred_at", lookup_expr="lt")
    actor = django_filters.CharFilter(field_name="actor_label")

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "request_id", "since", "until", "actor"]


class PublicAuditChainApi(APIView):
    """The audit chain's newest sealed link, or the link at ``?seq=``: keep a copy of the head
    and check later that it is still there, unchanged."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(parameters=[s.AuditChainQuery], responses=s.AuditChainLinkOutput)
    def get(self, request):
        q = s.AuditChainQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        return Response(s.AuditChainLinkOutput(selectors.audit_chain_link(q.validated_data.get("seq"))).data)


class AuditEventListApi(generics.ListAPIView):
    """The audit trail, newest first (auditors and supervisors), within the reader's
    jurisdiction; personal fields masked except for auditors."""

    permission_classes = [roles(read=("supervisor",))]
    serializer_class = s.AuditEventOutput
    filterset_class = AuditEventFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        return selectors.audit_event_list(actor=self.request.user)

    def get_serializer_context(self):
        # Personal fields of the snapshots are masked for every reader but auditors.
        user = self.request.user
        masked = set() if selectors.audit_unmasked(user) else selectors.audit_personal_keys()
        return {**super().get_serializer_context(), "masked_keys": masked}
