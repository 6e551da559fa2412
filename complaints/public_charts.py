"""Charts of the complaint indicators against their targets (REGULATION.md §4.3: fast
handling > 90%, timely ≥ 95%, satisfaction > 82), month by month over the last twelve
months, for the whole country, one province or one enterprise; and the complaint record
section of an enterprise's portal page. Routed through complaints.pages (issue 15).

Everything is read from the public record (``metrics.stats`` over the rollups, or
``metrics.recompute`` over the public rows for one enterprise); the charts are inline SVG
drawn on the server (regulator.charts), with the figures in a table beside them."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import metrics
from regulator import charts, provinces
from regulator import uscc as uscc_mod
from regulator.dates import add_months

MONTHS = 12
PORTAL_NAV = [(62, "public-complaint-charts-page", gettext_lazy("Complaint indicators by month"))]

# (measure, title, scale to percent, unit)
INDICATORS = (
    ("fast_rate", gettext_lazy("Fast-handling rate"), 100, "%"),
    ("timely_rate", gettext_lazy("Timely handling rate"), 100, "%"),
    ("satisfaction", gettext_lazy("Satisfaction (0–100)"), 1, ""),
)


def last_months(today: dt.date, n: int = MONTHS) -> list[dt.date]:
    first = add_months(today.replace(day=1), -(n - 1))
    return [add_months(first, i) for i in range(n)]


def monthly(months: list[dt.date], *, province: str = "", enterprise: str = "") -> tuple[dict, list[dict]]:
    """(total, one measures dict per month, None-filled where a month has no record)."""
    if enterprise:
        rows = [metrics.record_row(c) for c in metrics.public_records(months=months, enterprise=enterprise)]
        out = metrics.recompute(rows, group_by="month")
    else:
        out = metrics.stats(months=months, group_by="month", province=province)
    by_key = {g["key"]: g for g in out["groups"]}
    return out["total"], [by_key.get(f"{m:%Y-%m}") for m in months]


def _value(g: dict | None, name: str, scale: int) -> float | None:
    if g is None or g[name]["value"] is None:
        return None
    return float(Decimal(g[name]["value"]) * scale)


def indicator_charts(months: list[dt.date], per_month: list[dict | None], total: dict) -> list[dict]:
    labels = [f"{m:%Y-%m}" for m in months]
    out = []
    for name, title, scale, unit in INDICATORS:
        target = total[name]["target"]
        tval = float(Decimal(target["value"]) * scale)
        op = ">" if target["op"] == "gt" else "≥"
        chart = charts.Chart(
            title=str(title),
            desc=_("%(title)s by month; the dashed line is the target (%(op)s %(target)s%(unit)s).")
            % {"title": title, "op": op, "target": f"{tval:g}", "unit": unit},
            labels=labels,
            series=[charts.Series(str(title), [_value(g, name, scale) for g in per_month])],
            targets=[charts.Target(tval, _("Target %(op)s") % {"op": op})],
            y_min=0.0,
            y_max=100.0,
            y_suffix=unit,
        )
        out.append(
            {
                "name": name,
                "title": title,
                "svg": mark_safe(charts.render(chart)),  # noqa: S308 - charts.render escapes every value
                "target": f"{op} {tval:g}{unit}",
                "rows": [(lab, g[name] if g else None) for lab, g in zip(labels, per_month, strict=True)],
            }
        )
    return out


def complaint_charts(request):
    today = timezone.localdate()
    province = (request.GET.get("province") or "")[:2]
    province = province if province in provinces.BY_CODE else ""
    code = uscc_mod.normalise((request.GET.get("enterprise") or "")[:40])
    enterprise = code if len(code) == 18 and code.isascii() and code.isalnum() else ""
    months = last_months(today)
    total, per_month = monthly(months, province="" if enterprise else province, enterprise=enterprise)
    period = f"{months[0]:%Y-%m} – {months[-1]:%Y-%m}"
    query = {"enterprise": enterprise} if enterprise else ({"province": province} if province else {})
    return render(
        request,
        "complaints/public_charts.html",
        {
            "charts": indicator_charts(months, per_month, total),
            "total": total,
            "period": period,
            "province": province,
            "enterprise": enterprise,
            "provinces": provinces.PROVINCES,
            "records_csv": reverse("public-complaint-list") + "?" + urlencode({**query, "format": "csv"}),
        },
    )


def portal_section(enterprise) -> dict:
    months = last_months(timezone.localdate())
    rows = [metrics.record_row(c) for c in metrics.public_records(months=months, enterprise=enterprise.uscc)]
    total = metrics.recompute(rows)["total"]
    return {
        "order": 50,
        "anchor": "complaints",
        "heading": _("Complaint record"),
        "template": "complaints/_complaints_section.html",
        "total": total,
        "period": f"{months[0]:%Y-%m} – {months[-1]:%Y-%m}",
        "charts_url": reverse("public-complaint-charts-page")
        + "?"
        + urlencode({"enterprise": enterprise.uscc}),
    }


urlpatterns = [path("complaints/charts/", complaint_charts, name="public-complaint-charts-page")]
