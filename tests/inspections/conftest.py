"""Inspection fixtures: licensed enterprises (the target roster), items, a roster of
inspectors, campaigns walked to a given stage."""

import datetime as dt

import pytest
from django.utils import timezone

from credit.models import Account
from inspections import services
from inspections.models import Inspector
from licensing.models import Licence
from regulator.models import Role
from tests.factories import EnterpriseFactory, UserFactory, new_uscc

SEASON = (dt.date(2026, 5, 1), dt.date(2026, 9, 30))


def licensed(n: int, *, issuer: str = "MIIT", division: str = "110105", categories=("B25",), start: int = 0):
    """n enterprises each holding one valid licence from ``issuer``."""
    ents = []
    today = timezone.localdate()
    for i in range(n):
        ent = EnterpriseFactory(uscc=new_uscc(division), name=f"受检企业{issuer}{start + i}")
        Licence.objects.create(
            number=f"T{issuer}-{start + i:06d}-{ent.pk}",
            enterprise=ent,
            issuer_id=issuer,
            path="standard",
            categories=list(categories),
            coverage=[division[:2]],
            valid_from=today - dt.timedelta(days=30),
            valid_until=today + dt.timedelta(days=3650),
            status="valid",
            issued_at=timezone.now(),
        )
        ents.append(ent)
    return ents


def set_credit(ent, *, grade="A", bad=False, dishonest=False, score=90):
    Account.objects.update_or_create(
        enterprise=ent,
        defaults={"score": score, "grade": grade, "on_bad_list": bad, "on_dishonest_list": dishonest},
    )


def roster(
    supervisor, n: int, *, authority: str | None = None, cap: int = 10, prefix: str = "R"
) -> list[Inspector]:
    out = []
    for i in range(n):
        user = UserFactory(
            username=f"{prefix.lower()}insp{i}",
            role=Role.INSPECTOR,
            badge=f"{prefix}{i:03d}",
            **({"province": authority} if authority and authority != "MIIT" else {}),
        )
        out.append(services.inspector_create(actor=supervisor, user_id=user.pk, load_cap=cap))
    return out


@pytest.fixture
def item(supervisor):
    return services.item_create(
        actor=supervisor,
        code="ITEM-ANNUAL",
        title="年报信息与经营情况检查",
        legal_basis="《电信业务经营许可管理办法》第三十六条",
        content="核查年报数据、经营情况与合规情况",
        method="written",
    )


def new_campaign(supervisor, item, code="C2026-1", **over):
    data = {
        "actor": supervisor,
        "code": code,
        "title": "2026年电信业务经营双随机抽查",
        "legal_basis": "《电信业务经营许可管理办法》第三十六条；国办发〔2015〕58号",
        "items": [item.code],
        "season_start": SEASON[0],
        "season_end": SEASON[1],
    }
    data.update(over)
    return services.campaign_create(**data)


def drawn(supervisor, item, code="C2026-1", inputs=("73940215688124019375",), **over):
    camp = new_campaign(supervisor, item, code=code, **over)
    services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    return services.campaign_draw(actor=supervisor, campaign_id=camp.pk, seed_inputs=list(inputs))
