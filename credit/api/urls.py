from django.urls import path

from credit.api import public as p
from credit.api import public_search
from credit.api import views as v

urlpatterns = [
    path("credit/rules/", v.RuleListApi.as_view(), name="credit-rule-list"),
    path("credit/rules/<str:code>/", v.RuleDetailApi.as_view(), name="credit-rule-detail"),
    path("credit/events/", v.EventCreateApi.as_view(), name="credit-event-create"),
    path("credit/ledger/", v.LedgerListApi.as_view(), name="credit-ledger-list"),
    path("credit/ledger/<int:pk>/reverse/", v.LedgerReverseApi.as_view(), name="credit-ledger-reverse"),
    path("credit/accounts/", v.AccountListApi.as_view(), name="credit-account-list"),
    path("credit/accounts/<str:uscc>/", v.AccountDetailApi.as_view(), name="credit-account-detail"),
    path("credit/restrictions/<str:uscc>/", v.RestrictionsApi.as_view(), name="credit-restrictions"),
    path("credit/sanctions/", v.SanctionListApi.as_view(), name="credit-sanction-list"),
    path("credit/sanctions/<int:pk>/lift/", v.SanctionLiftApi.as_view(), name="credit-sanction-lift"),
    path("credit/list-entries/", v.ListEntryListApi.as_view(), name="credit-list-entry-list"),
    path(
        "credit/list-entries/fulfilment/",
        v.ListEntryFulfilmentApi.as_view(),
        name="credit-list-entry-fulfilment",
    ),
    path("credit/list-entries/<int:pk>/", v.ListEntryDetailApi.as_view(), name="credit-list-entry-detail"),
    path(
        "credit/list-entries/<int:pk>/notify/",
        v.ListEntryNotifyApi.as_view(),
        name="credit-list-entry-notify",
    ),
    path(
        "credit/list-entries/<int:pk>/delivery/",
        v.ListEntryDeliveryApi.as_view(),
        name="credit-list-entry-delivery",
    ),
    path(
        "credit/list-entries/<int:pk>/publish/",
        v.ListEntryPublishApi.as_view(),
        name="credit-list-entry-publish",
    ),
    path(
        "credit/list-entries/<int:pk>/withdraw/",
        v.ListEntryWithdrawApi.as_view(),
        name="credit-list-entry-withdraw",
    ),
    path(
        "credit/list-entries/<int:pk>/remove/",
        v.ListEntryRemoveApi.as_view(),
        name="credit-list-entry-remove",
    ),
    path(
        "credit/list-entries/<int:pk>/objections/",
        v.ObjectionCreateApi.as_view(),
        name="credit-objection-create",
    ),
    path("credit/list-entries/<int:pk>/repairs/", v.RepairCreateApi.as_view(), name="credit-repair-create"),
    path("credit/objections/", v.ObjectionListApi.as_view(), name="credit-objection-list"),
    path(
        "credit/objections/<int:pk>/decide/", v.ObjectionDecideApi.as_view(), name="credit-objection-decide"
    ),
    path("credit/repairs/", v.RepairListApi.as_view(), name="credit-repair-list"),
    path("credit/repairs/<int:pk>/accept/", v.RepairAcceptApi.as_view(), name="credit-repair-accept"),
    path("credit/repairs/<int:pk>/decide/", v.RepairDecideApi.as_view(), name="credit-repair-decide"),
    path("credit/grades/", v.GradeRecordListApi.as_view(), name="credit-grade-list"),
    path("credit/grades/<int:pk>/objection/", v.GradeObjectionApi.as_view(), name="credit-grade-objection"),
    path("credit/grades/<int:pk>/decide/", v.GradeDecideApi.as_view(), name="credit-grade-decide"),
    path("credit/admonitions/", v.AdmonitionListApi.as_view(), name="credit-admonition-list"),
    path("credit/admonitions/<int:pk>/done/", v.AdmonitionDoneApi.as_view(), name="credit-admonition-done"),
    path("public/lists/", public_search.PublicListApi.as_view(), name="public-lists"),
    path("public/lists/changes/", p.PublicListChangesApi.as_view(), name="public-list-changes"),
    path("public/credit/<str:uscc>/", p.PublicCreditApi.as_view(), name="public-credit"),
]
