"""Demo data for the kernel: a user for every role and a few hundred enterprises with
valid codes across many provinces. Idempotent: reruns add nothing."""

import random

from django.db import transaction

from regulator import services, uscc
from regulator.models import Enterprise, Role, User

# (province code, a real prefecture-level division in it, city name)
DIVISIONS = [
    ("11", "110105", "北京市朝阳区"),
    ("31", "310115", "上海市浦东新区"),
    ("44", "440305", "深圳市南山区"),
    ("44", "440106", "广州市天河区"),
    ("33", "330106", "杭州市西湖区"),
    ("32", "320506", "苏州市吴中区"),
    ("51", "510107", "成都市武侯区"),
    ("42", "420111", "武汉市洪山区"),
    ("35", "350102", "福州市鼓楼区"),
    ("37", "370102", "济南市历下区"),
    ("50", "500112", "重庆市渝北区"),
    ("61", "610113", "西安市雁塔区"),
    ("12", "120116", "天津市滨海新区"),
    ("46", "460106", "海口市龙华区"),
]
PREFIXES = ["华信", "云端", "星河", "联通达", "数智", "蓝海", "光速", "天穹", "九州", "致远", "锦程", "博通"]
SUFFIXES = [
    "网络科技有限公司",
    "信息技术有限公司",
    "通信服务有限公司",
    "数据科技有限公司",
    "互联网服务有限公司",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"]

DEMO_ENTERPRISES = 240
DEMO_PASSWORD_SUFFIX = "-demo-2026"

# The enterprise users belong to the first two demo enterprises.
DEMO_USERS = [
    ("officer", Role.OFFICER, None),
    ("inspector", Role.INSPECTOR, None),
    ("inspector2", Role.INSPECTOR, None),
    ("supervisor", Role.SUPERVISOR, None),
    ("handler", Role.HANDLER, None),
    ("auditor", Role.AUDITOR, None),
    ("enterprise", Role.ENTERPRISE, 0),
    ("enterprise2", Role.ENTERPRISE, 1),
]


def demo_codes() -> list[tuple[str, str, str]]:
    """(uscc, province, city) for every demo enterprise, deterministic."""
    out = []
    for i in range(DEMO_ENTERPRISES):
        prov, division, city = DIVISIONS[i % len(DIVISIONS)]
        out.append((uscc.make(division=division, serial=30_000_000 + i * 7919), prov, city))
    return out


def load() -> str:
    rng = random.Random(20260101)
    created = 0
    # (city, prefix, suffix) is unique for every demo index below lcm(14, 60) = 420.
    existing = set(Enterprise.objects.values_list("uscc", flat=True))
    with transaction.atomic():
        for i, (code, _prov, city) in enumerate(demo_codes()):
            prefix = PREFIXES[i % len(PREFIXES)]
            suffix = SUFFIXES[(i // len(PREFIXES)) % len(SUFFIXES)]
            name = f"{city[:2]}{prefix}{suffix}"
            rep = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            if code in existing:
                continue
            services.enterprise_create(
                actor="demo loader",
                uscc_code=code,
                name=name,
                legal_representative=rep,
                registered_address=f"{city}科技园{rng.randint(1, 99)}号",
                contact_phone=f"010-{rng.randint(60000000, 89999999)}",
                contact_email=f"contact{i}@example.cn",
            )
            created += 1
    codes = demo_codes()
    made_users = 0
    for username, role, ent_index in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        services.user_create(
            actor="demo loader",
            username=username,
            password=username + DEMO_PASSWORD_SUFFIX,
            role=role,
            enterprise_uscc=codes[ent_index][0] if ent_index is not None else None,
            badge=f"INS-{username.upper()}" if role == Role.INSPECTOR else "",
        )
        made_users += 1
    if not User.objects.filter(username="admin").exists():
        admin = User(
            username="admin", role=Role.SUPERVISOR, authority_id="MIIT", is_staff=True, is_superuser=True
        )
        admin.set_password("admin" + DEMO_PASSWORD_SUFFIX)
        admin.save()
    return f"{created} enterprises, {made_users} users added"


def logins() -> list[tuple[str, str, str]]:
    rows = [(u, u + DEMO_PASSWORD_SUFFIX, str(r.label)) for u, r, _ in DEMO_USERS]
    rows.append(("admin", "admin" + DEMO_PASSWORD_SUFFIX, "superuser (/admin/)"))
    return rows
