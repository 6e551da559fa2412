"""Rules catalogue corrections (issues 9 and 10): direct-listing and annual-report flags,
and legal-basis texts that cite the real instruments instead of internal tags; append-only
triggers on the new event tables; deciding authorities of existing list entries."""

from django.db import migrations

from regulator.db import append_only

ORDER_42 = "《电信业务经营许可管理办法》（工业和信息化部令第42号）"
LIST_NOTICE = "工业和信息化部2018年关于电信业务经营不良名单和失信名单管理的通知"
FUJIAN = "福建省通信管理局2010年电信业务经营者信用积分制度"

# code → (legal basis, direct listing, annual-report rule)
CATALOGUE = {
    "BAD_PENALTY": (f"{ORDER_42}第四十二条；{LIST_NOTICE}", False, False),
    "BAD_ANNUAL_REPORT": (f"{ORDER_42}第三十五条至第三十七条；{LIST_NOTICE}", False, True),
    "BAD_UNREACHABLE": (f"{LIST_NOTICE}", False, False),
    # §2.2 [F S4]: a revoked licence puts the holder on the dishonest list directly.
    "DISHONEST_REVOKED": (f"{ORDER_42}第四十二条；{LIST_NOTICE}", True, False),
    # A false commitment ends in revocation (§1.3), so it is listed directly too.
    "DISHONEST_FALSE_COMMITMENT": (
        f"{ORDER_42}第四十二条；工业和信息化部办公厅2019年12月4日第二类增值电信业务告知承诺试点通知",
        True,
        False,
    ),
    "DISHONEST_PENALTY_UNFULFILLED": (f"{LIST_NOTICE}；《中华人民共和国行政处罚法》", False, False),
    "DISHONEST_ESCALATION": (f"{ORDER_42}第四十二条；{LIST_NOTICE}", False, False),
    "COMPLAINT_TIMELINESS": (f"《电信用户申诉处理办法》（工业和信息化部令第35号）；{FUJIAN}", False, False),
    "BONUS_ANNUAL_REPORT": (f"{ORDER_42}第三十五条；{FUJIAN}", False, False),
    "BONUS_CLEAN_INSPECTION": (f"《国务院办公厅关于推广随机抽查规范事中事后监管的通知》（国办发〔2015〕58号）；{FUJIAN}", False, False),
    "BONUS_THREE_YEARS_CLEAN": (FUJIAN, False, False),
    "BONUS_EXEMPLARY": (FUJIAN, False, False),
}


def seed(apps, schema_editor):
    """Idempotent; also run by tests/conftest.py after a flush. A changed legal basis is a
    new rule version (entries keep the version they were made under)."""
    Rule = apps.get_model("credit", "Rule")
    RuleVersion = apps.get_model("credit", "RuleVersion")
    for code, (basis, direct, annual) in CATALOGUE.items():
        rule = Rule.objects.filter(code=code).first()
        if rule is None:
            continue
        rule.direct_listing, rule.annual_report = direct, annual
        if rule.legal_basis != basis:
            rule.legal_basis = basis
            rule.version += 1
            RuleVersion.objects.create(
                rule=rule, version=rule.version, points=rule.points, list_effect=rule.list_effect,
                validity_months=rule.validity_months, legal_basis=basis,
                description_en=rule.description_en, description_zh=rule.description_zh,
                changed_by="migration",
            )
        rule.save()


def link_authorities(apps, schema_editor):
    ListEntry = apps.get_model("credit", "ListEntry")
    Authority = apps.get_model("regulator", "Authority")
    for auth in Authority.objects.all():
        ListEntry.objects.filter(deciding_authority__isnull=True, authority=auth.name_zh).update(
            deciding_authority=auth
        )


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_notice_authority_grades")]

    operations = [
        *append_only("credit_objectionevent"),
        *append_only("credit_repairevent"),
        *append_only("credit_gradeevent"),
        migrations.RunPython(seed, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(link_authorities, migrations.RunPython.noop, elidable=False),
    ]
