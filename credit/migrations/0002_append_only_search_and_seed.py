"""Append-only triggers (ledger, list events), PostgreSQL search indexes for the public
lists, and the rules catalogue seeded from REGULATION.md §2.4."""

from django.db import migrations

from regulator.db import append_only

# code, points, list effect, months the points count, legal basis, English, Chinese
RULES = [
    ("BAD_PENALTY", -20, "bad", 12, "工信部令第42号第42条; 2018 MIIT list notice",
     "Administrative penalty by a telecom authority (bad-operation list)", "受到电信管理机构行政处罚，列入经营不良名单"),
    ("BAD_ANNUAL_REPORT", -10, "bad", 12, "工信部令第42号第35-37条; 2018 MIIT list notice",
     "Annual report not filed by the deadline", "未按规定报送年报，列入经营不良名单"),
    ("BAD_UNREACHABLE", -10, "bad", 12, "2018 MIIT list notice [R]",
     "Cannot be reached at the registered address", "通过登记的住所无法联系，列入经营不良名单"),
    ("DISHONEST_REVOKED", -45, "dishonest", 12, "工信部令第42号第42条; 2018 MIIT list notice",
     "Licence revoked", "被吊销电信业务经营许可证，列入失信名单"),
    ("DISHONEST_FALSE_COMMITMENT", -45, "dishonest", 12, "告知承诺 pilot notice 2019-12-04 [I]",
     "False commitment under notify-and-commit", "告知承诺不实，列入失信名单"),
    ("DISHONEST_PENALTY_UNFULFILLED", -45, "dishonest", 12, "2018 MIIT list notice",
     "Penalty decision not carried out by its deadline", "未按期履行行政处罚决定，列入失信名单"),
    ("DISHONEST_ESCALATION", -45, "dishonest", 12, "REGULATION §2.3 default [D]",
     "Second penalty-based bad-list entry within 3 years", "三年内再次因行政处罚列入经营不良名单，列入失信名单"),
    ("COMPLAINT_TIMELINESS", -10, "none", 12, "REGULATION §2.4 default [D]; S26 95% timeliness",
     "Quarterly complaint timeliness below 95%", "季度投诉处理及时率低于95%"),
    ("BONUS_ANNUAL_REPORT", 10, "none", 12, "REGULATION §2.4 default [D]",
     "Clean annual report filed on time", "按时报送年报且无问题"),
    ("BONUS_CLEAN_INSPECTION", 10, "none", 12, "REGULATION §2.4 default [D]",
     "Random inspection found no problem", "双随机抽查未发现问题"),
    ("BONUS_THREE_YEARS_CLEAN", 20, "none", 12, "REGULATION §2.4 default [D]",
     "Three years without a bad-list entry", "连续三年未列入经营不良名单"),
    ("BONUS_EXEMPLARY", 30, "none", 12, "Fujian CA 2010 scheme [F S18]",
     "Exemplary conduct recognised by the authority", "经电信管理机构认定的示范行为"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("credit", "Rule")
    RuleVersion = apps.get_model("credit", "RuleVersion")
    for code, points, effect, months, basis, en, zh in RULES:
        rule, created = Rule.objects.get_or_create(
            code=code,
            defaults=dict(points=points, list_effect=effect, validity_months=months, legal_basis=basis,
                          description_en=en, description_zh=zh, version=1),
        )
        if created:
            RuleVersion.objects.create(
                rule=rule, version=1, points=points, list_effect=effect, validity_months=months,
                legal_basis=basis, description_en=en, description_zh=zh, changed_by="migration",
            )


def search_indexes(apps, schema_editor):
    # Trigram GIN on UPPER(...) matches the SQL Django emits for __icontains on PostgreSQL,
    # so "name fragment" and "licence number fragment" searches use an index.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS credit_list_name_trgm ON credit_listentry "
        "USING gin (UPPER(enterprise_name::text) gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS credit_list_licence_trgm ON credit_listentry "
        "USING gin (UPPER(licence_numbers::text) gin_trgm_ops)"
    )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS credit_list_name_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS credit_list_licence_trgm")


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [
        *append_only("credit_ledgerentry"),
        *append_only("credit_listevent"),
        migrations.RunPython(search_indexes, drop_search_indexes, elidable=False),
        migrations.RunPython(seed, migrations.RunPython.noop, elidable=False),
    ]
