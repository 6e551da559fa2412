from django.urls import path

from licensing.api import changes as c
from licensing.api import decisions as d
from licensing.api import views as v

urlpatterns = [
    path("public/service-categories/", v.PublicCategoryListApi.as_view(), name="licensing-categories"),
    path("public/conditions-statement/", v.PublicStatementApi.as_view(), name="licensing-statement-current"),
    path("public/licence-keys/", v.PublicLicenceKeysApi.as_view(), name="licensing-keys"),
    # "verify" before <number>: the converter would otherwise take it as a number.
    path("public/licences/verify/", v.PublicLicenceVerifyApi.as_view(), name="licensing-verify"),
    path("public/licences/<str:number>/", v.PublicLicenceApi.as_view(), name="licensing-public-licence"),
    path(
        "public/annual-reports/",
        v.PublicAnnualReportListApi.as_view(),
        name="licensing-public-annual-reports",
    ),
    path(
        "public/licensing-decisions/",
        d.PublicDecisionListApi.as_view(),
        name="licensing-public-decisions",
    ),
    path("licensing-decisions/", d.DecisionListApi.as_view(), name="licensing-decisions"),
    path(
        "licensing-decisions/<int:pk>/publish/",
        d.DecisionPublishApi.as_view(),
        name="licensing-decision-publish",
    ),
    path("licensing-decisions/<int:pk>/hold/", d.DecisionHoldApi.as_view(), name="licensing-decision-hold"),
    path("change-filings/", c.ChangeFilingListApi.as_view(), name="licensing-change-filings"),
    path("cancellations/", c.CancellationListApi.as_view(), name="licensing-cancellations"),
    path(
        "cancellations/<int:pk>/<str:action>/",
        c.CancellationActionApi.as_view(),
        name="licensing-cancellation-action",
    ),
    path("materials/<int:pk>/download/", c.MaterialDownloadApi.as_view(), name="licensing-material-download"),
    path("my-enterprise/contacts/", c.MyContactsApi.as_view(), name="licensing-my-contacts"),
    path("notifications/", c.NotificationListApi.as_view(), name="licensing-notifications"),
    path("notifications/<int:pk>/read/", c.NotificationReadApi.as_view(), name="licensing-notification-read"),
    path("conditions-statements/", v.StatementListApi.as_view(), name="licensing-statements"),
    path("applications/", v.ApplicationListCreateApi.as_view(), name="licensing-applications"),
    path("applications/<int:pk>/", v.ApplicationDetailApi.as_view(), name="licensing-application"),
    path("applications/<int:pk>/materials/", v.MaterialApi.as_view(), name="licensing-materials"),
    path(
        "applications/<int:pk>/<str:action>/",
        v.ApplicationActionApi.as_view(),
        name="licensing-application-action",
    ),
    path("licences/", v.LicenceListApi.as_view(), name="licensing-licences"),
    path("licences/<str:number>/", v.LicenceDetailApi.as_view(), name="licensing-licence"),
    path(
        "licences/<str:number>/<str:action>/", v.LicenceActionApi.as_view(), name="licensing-licence-action"
    ),
    path("post-checks/", v.PostCheckListApi.as_view(), name="licensing-postchecks"),
    path("post-checks/<int:pk>/", v.PostCheckDetailApi.as_view(), name="licensing-postcheck"),
    path(
        "post-checks/<int:pk>/<str:action>/",
        v.PostCheckActionApi.as_view(),
        name="licensing-postcheck-action",
    ),
    path("annual-reports/", v.AnnualReportListCreateApi.as_view(), name="licensing-annual-reports"),
    path("annual-reports/<int:pk>/", v.AnnualReportDetailApi.as_view(), name="licensing-annual-report"),
    path(
        "annual-reports/<int:pk>/confirm/",
        v.AnnualReportConfirmApi.as_view(),
        name="licensing-annual-report-confirm",
    ),
    path(
        "annual-reports/<int:pk>/return/",
        v.AnnualReportReturnApi.as_view(),
        name="licensing-annual-report-return",
    ),
    path(
        "annual-reports/<int:pk>/refile/",
        v.AnnualReportRefileApi.as_view(),
        name="licensing-annual-report-refile",
    ),
]
