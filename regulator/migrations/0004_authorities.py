# Staff belong to an authority (MIIT or a provincial communications administration)
# instead of carrying a bare province code (issue 8 §1).

import django.db.models.deletion
from django.db import migrations, models


def seed(apps, schema_editor):
    """Load MIIT and the 31 provincial administrations (idempotent; tests reuse it)."""
    from regulator import provinces

    Authority = apps.get_model("regulator", "Authority")
    rows = [("MIIT", "工业和信息化部", "Ministry of Industry and Information Technology", "")]
    rows += [
        (p.code, f"{p.name_zh}通信管理局", f"{p.name_en} Communications Administration", p.code)
        for p in provinces.PROVINCES
    ]
    for code, zh, en, prov in rows:
        Authority.objects.update_or_create(code=code, defaults={"name_zh": zh, "name_en": en, "province": prov})


def users_to_authorities(apps, schema_editor):
    User = apps.get_model("regulator", "User")
    for user in User.objects.exclude(role="enterprise").exclude(role=""):
        user.authority_id = user.province or "MIIT"
        user.save(update_fields=["authority"])


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('regulator', '0003_audit_deferred_sealing'),
    ]

    operations = [
        migrations.CreateModel(
            name='Authority',
            fields=[
                ('code', models.CharField(max_length=4, primary_key=True, serialize=False, verbose_name='code')),
                ('name_zh', models.CharField(max_length=100)),
                ('name_en', models.CharField(max_length=100)),
                ('province', models.CharField(blank=True, max_length=2)),
            ],
            options={
                'verbose_name_plural': 'authorities',
                'ordering': ['code'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('code', 'MIIT'), ('province', '')), ('province', models.F('code')), _connector='OR'), name='authority_code_matches_province')],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.AddField(
            model_name='user',
            name='authority',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='regulator.authority'),
        ),
        migrations.RunPython(users_to_authorities, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='user',
            name='province',
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('authority__isnull', True), ('role', 'enterprise')), models.Q(models.Q(('role', 'enterprise'), _negated=True), ('authority__isnull', False)), ('is_superuser', True), _connector='OR'), name='staff_user_has_authority'),
        ),
    ]
