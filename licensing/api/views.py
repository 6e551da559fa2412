"""Thin views: authenticate, validate shape, call one selector or service, render."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Forbidden, NotFound
from licensing import keys, selectors, services
from licensing.api import serializers as s
from licensing.models import AnnualReport, Application, Licence, PostCheck
from regulator.idempotency import OPENAPI_HEADER as IDEMPOTENCY_HEADER
from regulator.idempotency import idempotent
from regulator.models import Role
from regulator.permissions import roles

STAFF_READ = ("supervisor", "inspector", "handler")


class PublicMixin:
    authentication_classes: list = []
    permission_classes = [AllowAny]


def _require_role(request, role: str) -> None:
    if getattr(request.user, "role", None) != role:
        raise Forbidden(_("Your role may not do this."))


# --- catalogue and conditions -------------------------------------------------------------


class PublicCategoryListApi(PublicMixin, generics.ListAPIView):
    """The 2015 service catalogue, with whether notify-and-commit applies."""

    serializer_class = s.CategoryOutput
    pagination_class = None

    def get_queryset(self):
        return selectors.category_list()


class PublicStatementApi(PublicMixin, APIView):
    """The current conditions statement for notify-and-commit applicants."""

    @extend_schema(responses=s.StatementOutput)
    def get(self, request):
        st = services.statement_current()
        if st is None:
            raise NotFound(_("No conditions statement is published."))
        return Response(s.StatementOutput(st).data)


class StatementListApi(generics.ListAPIView):
    permission_classes = [roles("officer", read=("enterprise", *STAFF_READ))]
    serializer_class = s.StatementOutput

    def get_queryset(self):
        return selectors.statement_list()

    @extend_schema(
        request=s.StatementInput, responses={201: s.StatementOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("licensing.statement.publish")
    def post(self, request):
        data = s.StatementInput(data=request.data)
        data.is_valid(raise_exception=True)
        st = services.statement_publish(actor=request.user, **data.validated_data)
        return Response(s.StatementOutput(st).data, status=status.HTTP_201_CREATED)


# --- applications --------------------------------------------------------------------------


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.CharFilter()
    path = django_filters.CharFilter()
    issuer = django_filters.CharFilter()
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc")

    class Meta:
        model = Application
        fields = ["status", "path", "issuer", "enterprise"]


class ApplicationListCreateApi(generics.ListAPIView):
    """Applications. Enterprise users file and see their own; officers review."""

    permission_classes = [roles("enterprise", "officer", read=("supervisor", "inspector"))]
    serializer_class = s.ApplicationOutput
    filterset_class = ApplicationFilter

    def get_queryset(self):
        return selectors.application_list(actor=self.request.user).select_related("issued_licence")

    @extend_schema(
        request=s.ApplicationInput,
        responses={201: s.ApplicationDetailOutput},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @idempotent("licensing.application.create")
    def post(self, request):
        _require_role(request, Role.ENTERPRISE)
        data = s.ApplicationInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        app = services.application_create(
            actor=request.user,
            issuer=v.pop("issuer", "") or None,
            renew_licence_number=v.pop("renew_licence_number", "") or None,
            change_licence_number=v.pop("change_licence_number", "") or None,
            **v,
        )
        app = selectors.application_get(actor=request.user, application_id=app.pk)
        return Response(s.ApplicationDetailOutput(app).data, status=status.HTTP_201_CREATED)


class ApplicationDetailApi(APIView):
    permission_classes = [roles("enterprise", "officer", read=("supervisor", "inspector"))]

    @extend_schema(responses=s.ApplicationDetailOutput)
    def get(self, request, pk: int):
        app = selectors.application_get(actor=request.user, application_id=pk)
        return Response(s.ApplicationDetailOutput(app).data)

    @extend_schema(request=s.ApplicationUpdateInput, responses=s.ApplicationDetailOutput)
    def patch(self, request, pk: int):
        selectors.application_get(actor=request.user, application_id=pk)
        _require_role(request, Role.ENTERPRISE)
        data = s.ApplicationUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.application_update(actor=request.user, application_id=pk, **data.validated_data)
        app = selectors.application_get(actor=request.user, application_id=pk)
        return Response(s.ApplicationDetailOutput(app).data)


class MaterialApi(APIView):
    """Upload a material (multipart: ``file``, ``kind``) to a draft or a corrected application."""

    permission_classes = [roles("enterprise", "officer", read=("supervisor", "inspector"))]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=s.MaterialOutput(many=True))
    def get(self, request, pk: int):
        app = selectors.application_get(actor=request.user, application_id=pk)
        return Response(s.MaterialOutput(app.materials.all(), many=True).data)

    @extend_schema(
        request={"multipart/form-data": s.MaterialInput},
        responses={201: s.MaterialOutput},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @idempotent("licensing.material.add")
    def post(self, request, pk: int):
        selectors.application_get(actor=request.user, application_id=pk)
        _require_role(request, Role.ENTERPRISE)
        data = s.MaterialInput(data=request.data)
        data.is_valid(raise_exception=True)
        mat = services.material_add(
            actor=request.user,
            application_id=pk,
            kind=data.validated_data["kind"],
            upload=data.validated_data["file"],
        )
        return Response(s.MaterialOutput(mat).data, status=status.HTTP_201_CREATED)


ENTERPRISE_ACTIONS = {"submit", "withdraw"}
OFFICER_ACTIONS = {
    "request-correction": services.application_request_correction,
    "accept": services.application_accept,
    "not-accept": services.application_not_accept,
    "start-review": services.application_start_review,
    "approve": services.application_approve,
    "reject": services.application_reject,
    "issue": services.application_issue,
}


class ApplicationActionApi(APIView):
    """``submit`` and ``withdraw`` (the enterprise); ``request-correction``, ``accept``,
    ``not-accept``, ``start-review``, ``approve``, ``reject``, ``issue`` (an officer).
    A transition the current status does not allow answers 409."""

    permission_classes = [roles("enterprise", "officer", auditor=False)]

    @extend_schema(
        request=s.ActionInput, responses=s.ApplicationDetailOutput, operation_id="application_action"
    )
    def post(self, request, pk: int, action: str):
        if action not in ENTERPRISE_ACTIONS and action not in OFFICER_ACTIONS:
            raise NotFound(_("Unknown action."))
        selectors.application_get(actor=request.user, application_id=pk)
        if action in ENTERPRISE_ACTIONS:
            _require_role(request, Role.ENTERPRISE)
            if action == "submit":
                data = s.SubmitInput(data=request.data)
                data.is_valid(raise_exception=True)
                services.application_submit(
                    actor=request.user, application_id=pk, commitment=data.validated_data.get("commitment")
                )
            else:
                data = s.ActionInput(data=request.data)
                data.is_valid(raise_exception=True)
                services.application_withdraw(
                    actor=request.user, application_id=pk, reason=data.validated_data["reason"]
                )
        else:
            _require_role(request, Role.OFFICER)
            data = s.ActionInput(data=request.data)
            data.is_valid(raise_exception=True)
            kwargs = {"reason": data.validated_data["reason"]}
            if action == "request-correction":
                kwargs["items"] = data.validated_data["items"]
            OFFICER_ACTIONS[action](actor=request.user, application_id=pk, **kwargs)
        app = selectors.application_get(actor=request.user, application_id=pk)
        return Response(s.ApplicationDetailOutput(app).data)


# --- licences --------------------------------------------------------------------------


class LicenceFilter(django_filters.FilterSet):
    status = django_filters.CharFilter()
    issuer = django_filters.CharFilter()
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc")

    class Meta:
        model = Licence
        fields = ["status", "issuer", "enterprise"]


class LicenceListApi(generics.ListAPIView):
    permission_classes = [roles("officer", read=("enterprise", *STAFF_READ))]
    serializer_class = s.LicenceOutput
    filterset_class = LicenceFilter

    def get_queryset(self):
        return selectors.licence_list(actor=self.request.user)


class LicenceDetailApi(APIView):
    permission_classes = [roles("officer", read=("enterprise", *STAFF_READ))]

    @extend_schema(responses=s.LicenceOutput)
    def get(self, request, number: str):
        lic = selectors.licence_get(actor=request.user, number=number)
        out = s.LicenceOutput(lic).data
        out["versions"] = s.ELicenceOutput(selectors.licence_versions(licence=lic), many=True).data
        return Response(out)


LICENCE_ACTIONS = {
    "suspend": services.licence_suspend,
    "reinstate": services.licence_reinstate,
    "cancel": services.licence_cancel,
    "revoke": services.licence_revoke,
    "withdraw": services.licence_withdraw,
}
# 吊销 and 撤销 record their legal basis (issue 11 point 3).
WITH_LEGAL_BASIS = {"revoke", "withdraw"}


class LicenceActionApi(APIView):
    """``suspend``, ``reinstate``, ``cancel``, ``revoke`` (吊销, a penalty for later
    conduct), ``withdraw`` (撤销, the grant undone: fraud or a false commitment); officer of
    the issuing authority; a reason is required, revoke and withdraw take a legal basis."""

    permission_classes = [roles("officer", auditor=False)]

    @extend_schema(request=s.ActionInput, responses=s.LicenceOutput, operation_id="licence_action")
    def post(self, request, number: str, action: str):
        if action not in LICENCE_ACTIONS:
            raise NotFound(_("Unknown action."))
        lic = selectors.licence_get(actor=request.user, number=number)
        data = s.ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        kwargs = {"reason": data.validated_data["reason"]}
        if action in WITH_LEGAL_BASIS:
            kwargs["legal_basis"] = data.validated_data["legal_basis"]
        lic = LICENCE_ACTIONS[action](actor=request.user, licence_id=lic.pk, **kwargs)
        return Response(s.LicenceOutput(lic).data)


# --- post-checks --------------------------------------------------------------------------


class PostCheckFilter(django_filters.FilterSet):
    status = django_filters.CharFilter()
    overdue = django_filters.BooleanFilter(field_name="overdue_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = PostCheck
        fields = ["status", "overdue"]


class PostCheckListApi(generics.ListAPIView):
    permission_classes = [roles("officer", read=("enterprise", "supervisor", "inspector"))]
    serializer_class = s.PostCheckOutput
    filterset_class = PostCheckFilter

    def get_queryset(self):
        return selectors.postcheck_list(actor=self.request.user)


POSTCHECK_ACTIONS = {
    "pass": services.postcheck_pass,
    "order-rectification": services.postcheck_order_rectification,
    "rectified": services.postcheck_rectified,
    "revoke": services.postcheck_revoke,
}


class PostCheckDetailApi(APIView):
    permission_classes = [roles("officer", read=("enterprise", "supervisor", "inspector"))]

    @extend_schema(responses=s.PostCheckOutput)
    def get(self, request, pk: int):
        return Response(s.PostCheckOutput(selectors.postcheck_get(actor=request.user, postcheck_id=pk)).data)


class PostCheckActionApi(APIView):
    """``pass``, ``order-rectification``, ``rectified``, ``revoke`` (false commitment)."""

    permission_classes = [roles("officer", auditor=False)]

    @extend_schema(request=s.ActionInput, responses=s.PostCheckOutput, operation_id="postcheck_action")
    def post(self, request, pk: int, action: str):
        if action not in POSTCHECK_ACTIONS:
            raise NotFound(_("Unknown action."))
        selectors.postcheck_get(actor=request.user, postcheck_id=pk)
        data = s.ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        POSTCHECK_ACTIONS[action](
            actor=request.user,
            postcheck_id=pk,
            reason=data.validated_data["reason"],
            findings=data.validated_data["findings"],
        )
        return Response(s.PostCheckOutput(selectors.postcheck_get(actor=request.user, postcheck_id=pk)).data)


# --- annual reports --------------------------------------------------------------------------


class AnnualReportFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    status = django_filters.CharFilter()
    late = django_filters.BooleanFilter()
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc")

    class Meta:
        model = AnnualReport
        fields = ["year", "status", "late", "enterprise"]


class AnnualReportListCreateApi(generics.ListAPIView):
    permission_classes = [roles("enterprise", "officer", read=("supervisor", "inspector"))]
    serializer_class = s.AnnualReportOutput
    filterset_class = AnnualReportFilter

    def get_queryset(self):
        return selectors.annual_report_list(actor=self.request.user)

    @extend_schema(
        request=s.AnnualReportInput, responses={201: s.AnnualReportOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("licensing.annual_report.file")
    def post(self, request):
        _require_role(request, Role.ENTERPRISE)
        data = s.AnnualReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        rep = services.annual_report_file(actor=request.user, **data.validated_data)
        return Response(s.AnnualReportOutput(rep).data, status=status.HTTP_201_CREATED)


class AnnualReportDetailApi(APIView):
    permission_classes = [roles("enterprise", "officer", read=("supervisor", "inspector"))]

    @extend_schema(responses=s.AnnualReportOutput)
    def get(self, request, pk: int):
        return Response(
            s.AnnualReportOutput(selectors.annual_report_get(actor=request.user, report_id=pk)).data
        )


class AnnualReportConfirmApi(APIView):
    permission_classes = [roles("officer", auditor=False)]

    @extend_schema(request=s.ActionInput, responses=s.AnnualReportOutput)
    def post(self, request, pk: int):
        selectors.annual_report_get(actor=request.user, report_id=pk)
        data = s.ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        rep = services.annual_report_confirm(
            actor=request.user, report_id=pk, reason=data.validated_data["reason"]
        )
        return Response(s.AnnualReportOutput(rep).data)


class AnnualReportReturnApi(APIView):
    """An officer of the report's authority returns it for correction, with reasons."""

    permission_classes = [roles("officer", auditor=False)]

    @extend_schema(request=s.AnnualReportReturnInput, responses=s.AnnualReportOutput)
    def post(self, request, pk: int):
        selectors.annual_report_get(actor=request.user, report_id=pk)
        data = s.AnnualReportReturnInput(data=request.data)
        data.is_valid(raise_exception=True)
        rep = services.annual_report_return(actor=request.user, report_id=pk, **data.validated_data)
        return Response(s.AnnualReportOutput(rep).data)


class AnnualReportRefileApi(APIView):
    """The enterprise files a returned report again with its corrections."""

    permission_classes = [roles("enterprise", auditor=False)]

    @extend_schema(request=s.AnnualReportRefileInput, responses=s.AnnualReportOutput)
    def post(self, request, pk: int):
        selectors.annual_report_get(actor=request.user, report_id=pk)
        data = s.AnnualReportRefileInput(data=request.data)
        data.is_valid(raise_exception=True)
        rep = services.annual_report_refile(actor=request.user, report_id=pk, **data.validated_data)
        return Response(s.AnnualReportOutput(rep).data)


class PublicAnnualReportFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    uscc = django_filters.CharFilter(field_name="enterprise__uscc")

    class Meta:
        model = AnnualReport
        fields = ["year", "uscc"]


class PublicAnnualReportListApi(PublicMixin, generics.ListAPIView):
    """Published annual-report fields (§1.6)."""

    serializer_class = s.PublicAnnualReportOutput
    filterset_class = PublicAnnualReportFilter

    def get_queryset(self):
        return selectors.annual_report_public_list().prefetch_related(
            Prefetch("enterprise__licences", queryset=Licence.objects.order_by("number"))
        )


# --- public e-licence ----------------------------------------------------------------------


class PublicLicenceKeysApi(PublicMixin, APIView):
    """Public keys that verify e-licence signatures, by key id (raw Ed25519, base64)."""

    @extend_schema(responses=s.KeysOutput)
    def get(self, request):
        return Response(
            {"algorithm": "Ed25519", "encoding": "base64 raw 32-byte public key", "keys": keys.public_keys()}
        )


class PublicLicenceApi(PublicMixin, APIView):
    """Status, holder, services, coverage, validity and the current signed e-licence."""

    @extend_schema(responses=s.PublicLicenceOutput)
    def get(self, request, number: str):
        lic, ver = selectors.licence_public_get(number=number)
        doc = ver.document if ver else {}
        return Response(
            {
                "number": lic.number,
                "status": lic.status,
                "holder": {"name": lic.enterprise.name, "uscc": lic.enterprise.uscc},
                "issuer": doc.get("issuer", {"code": lic.issuer}),
                "services": doc.get("services", [{"code": c} for c in lic.categories]),
                "coverage": doc.get("coverage", [{"code": p} for p in lic.coverage]),
                "valid_from": lic.valid_from,
                "valid_until": lic.valid_until,
                "version": lic.version,
                "e_licence": s.ELicenceOutput(ver).data if ver else None,
            }
        )


class PublicLicenceVerifyApi(PublicMixin, APIView):
    """Document + signature in; whether the signature is good and the licence's status now.
    ``verdict``: valid, superseded, suspended, expired, cancelled, revoked,
    invalid_signature, unknown_key or unknown_licence."""

    @extend_schema(request=s.VerifyInput, responses=s.VerifyOutput)
    def post(self, request):
        data = s.VerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        result = services.licence_verify(
            document=v["document"], signature=v["signature"], key_id=v.get("key_id") or None
        )
        return Response(result)
