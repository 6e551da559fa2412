from django.urls import path

from inspections.api import views as v

urlpatterns = [
    path("inspections/items/", v.ItemListCreateApi.as_view(), name="inspections-item-list"),
    path("inspections/inspectors/", v.InspectorListCreateApi.as_view(), name="inspections-inspector-list"),
    path(
        "inspections/inspectors/<str:badge>/",
        v.InspectorDetailApi.as_view(),
        name="inspections-inspector-detail",
    ),
    path("inspections/conflicts/", v.ConflictListCreateApi.as_view(), name="inspections-conflict-list"),
    path("inspections/conflicts/<int:pk>/end/", v.ConflictEndApi.as_view(), name="inspections-conflict-end"),
    path("inspections/campaigns/", v.CampaignListCreateApi.as_view(), name="inspections-campaign-list"),
    path(
        "inspections/campaigns/<int:pk>/", v.CampaignDetailApi.as_view(), name="inspections-campaign-detail"
    ),
    path(
        "inspections/campaigns/<int:pk>/freeze/",
        v.CampaignFreezeApi.as_view(),
        name="inspections-campaign-freeze",
    ),
    path(
        "inspections/campaigns/<int:pk>/draw/", v.CampaignDrawApi.as_view(), name="inspections-campaign-draw"
    ),
    path("inspections/inspections/", v.InspectionListApi.as_view(), name="inspections-inspection-list"),
    path(
        "inspections/inspections/<int:pk>/",
        v.InspectionDetailApi.as_view(),
        name="inspections-inspection-detail",
    ),
    *[
        path(
            f"inspections/inspections/<int:pk>/{name}/",
            v.InspectionActionApi.as_view(action_name=name),
            name=f"inspections-inspection-{name}",
        )
        for name in ("start", "record", "reopen", "confirm")
    ],
    path(
        "inspections/inspections/<int:pk>/recuse/",
        v.InspectionRecuseApi.as_view(),
        name="inspections-inspection-recuse",
    ),
    path("public/inspection-items/", v.PublicItemListApi.as_view(), name="public-inspection-items"),
    path("public/draws/", v.PublicDrawListApi.as_view(), name="public-draws"),
    path("public/draws/<int:pk>/", v.PublicDrawDetailApi.as_view(), name="public-draw-detail"),
    path("public/draws/<int:pk>/frame/", v.PublicDrawFrameApi.as_view(), name="public-draw-frame"),
    path("public/inspection-results/", v.PublicResultListApi.as_view(), name="public-inspection-results"),
]
