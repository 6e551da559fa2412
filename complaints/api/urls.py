"""Complaint routes, mounted under /api/v1/ (DESIGN.md, Public interface for public/)."""

from django.urls import path

from complaints.api import public as p
from complaints.api import views as v

urlpatterns = [
    path("complaints/", v.ComplaintListApi.as_view(), name="complaint-list"),
    path("complaints/notifications/", v.NotificationListApi.as_view(), name="complaint-notification-list"),
    path(
        "complaints/notifications/<int:pk>/read/",
        v.NotificationReadApi.as_view(),
        name="complaint-notification-read",
    ),
    path("complaints/stats/", v.StaffStatsApi.as_view(), name="complaint-staff-stats"),
    path("complaints/<int:pk>/", v.ComplaintDetailApi.as_view(), name="complaint-detail"),
    path("complaints/<int:pk>/accept/", v.AcceptApi.as_view(), name="complaint-accept"),
    path("complaints/<int:pk>/reject/", v.RejectApi.as_view(), name="complaint-reject"),
    path("complaints/<int:pk>/forward/", v.ForwardApi.as_view(), name="complaint-forward"),
    path("complaints/<int:pk>/respond/", v.RespondApi.as_view(), name="complaint-respond"),
    path("complaints/<int:pk>/mediate/", v.MediateApi.as_view(), name="complaint-mediate"),
    path("complaints/<int:pk>/close/", v.CloseApi.as_view(), name="complaint-close"),
    path("complaints/<int:pk>/withdraw/", v.WithdrawApi.as_view(), name="complaint-withdraw"),
    path("complaints/<int:pk>/reopen/", v.ReopenApi.as_view(), name="complaint-reopen"),
    path(
        "complaints/<int:pk>/request-material/",
        v.RequestMaterialApi.as_view(),
        name="complaint-request-material",
    ),
    path("complaints/<int:pk>/assign/", v.AssignApi.as_view(), name="complaint-assign"),
    path("public/complaints/", p.PublicRecordApi.as_view(), name="public-complaint-list"),
    path("public/complaints/intake/", p.IntakeApi.as_view(), name="public-complaint-intake"),
    path("public/complaints/track/<str:code>/", p.TrackApi.as_view(), name="public-complaint-track"),
    path(
        "public/complaints/track/<str:code>/material/",
        p.TrackMaterialApi.as_view(),
        name="public-complaint-material",
    ),
    path(
        "public/complaints/track/<str:code>/withdraw/",
        p.TrackWithdrawApi.as_view(),
        name="public-complaint-withdraw",
    ),
    path(
        "public/complaints/track/<str:code>/reopen/",
        p.TrackReopenApi.as_view(),
        name="public-complaint-reopen",
    ),
    path("public/complaints/track/<str:code>/rate/", p.TrackRateApi.as_view(), name="public-complaint-rate"),
    path("public/complaint-stats/", p.PublicStatsApi.as_view(), name="public-complaint-stats"),
]
