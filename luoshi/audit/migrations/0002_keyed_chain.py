"""The keyed chain (docs/security.md, "The audit trail"). Existing events were chained with plain
SHA-256; that chain is checked here first (a broken one stops the migration, naming the event),
then the old hashes go and every existing event becomes part of the unsealed tail, which the
first `seal_pending()` (the worker, `luoshi audit seal` or `luoshi audit verify`) chains under
the audit key in id order, the order the old chain had."""

import hashlib
import json

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import luoshi.audit.models

GENESIS = "0" * 64


def _canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def check_the_sha256_chain(apps, schema_editor):
    """The chain as 0001 wrote it: hash = sha256(prev_hash + canonical JSON of the event)."""
    db = schema_editor.connection.alias  # the database being migrated, not always "default"
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    prev = GENESIS
    fields = ("id", "created_at", "actor_id", "actor_label", "verb", "object_type", "object_id", "before",
              "after", "prev_hash", "hash")
    for row in AuditEvent.objects.using(db).order_by("id").values_list(*fields).iterator(chunk_size=5000):
        event = dict(zip(fields, row, strict=True))
        payload = {key: event[key] for key in fields[:-2]}
        payload["created_at"] = event["created_at"].isoformat()
        digest = hashlib.sha256((event["prev_hash"] + _canonical(payload)).encode("utf-8")).hexdigest()
        if event["prev_hash"] != prev or digest != event["hash"]:
            raise RuntimeError(
                f"The audit chain is broken at event #{event['id']}: it cannot be moved to the keyed chain. "
                "Restore the last good backup (luoshi restore) and migrate that.")
        prev = event["hash"]
    head = AuditHead.objects.using(db).filter(pk=1).first()
    if (head.last_hash if head else GENESIS) != prev:
        raise RuntimeError("The audit chain's newest events are missing: it cannot be moved to the keyed chain. "
                           "Restore the last good backup (luoshi restore) and migrate that.")


def nothing_sealed_yet(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("audit", "AuditHead").objects.using(db).update(count=0, sealed_at=None, signature="")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(check_the_sha256_chain, migrations.RunPython.noop, elidable=True),
        # The documents become text (PostgreSQL: jsonb's own text of each old one), which the
        # MAC covers as stored.
        migrations.AlterField(
            model_name='auditevent',
            name='after',
            field=luoshi.audit.models.JSONText(blank=True, null=True, verbose_name='after'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='before',
            field=luoshi.audit.models.JSONText(blank=True, null=True, verbose_name='before'),
        ),
        migrations.CreateModel(
            name='AuditCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('state', models.CharField(choices=[('queued', 'queued'), ('running', 'running'), ('done', 'done')], default='queued', max_length=10)),
                ('total', models.BigIntegerField(default=0)),
                ('checked', models.BigIntegerField(default=0)),
                ('ok', models.BooleanField(null=True)),
                ('message', models.TextField(blank=True, default='')),
            ],
            options={
                'verbose_name': 'audit chain check',
            },
        ),
        migrations.RemoveField(
            model_name='auditevent',
            name='hash',
        ),
        migrations.RemoveField(
            model_name='auditevent',
            name='prev_hash',
        ),
        migrations.RemoveField(
            model_name='audithead',
            name='last_hash',
        ),
        migrations.RemoveField(
            model_name='audithead',
            name='last_id',
        ),
        migrations.AddField(
            model_name='auditevent',
            name='mac',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name='sequence'),
        ),
        migrations.AddField(
            model_name='audithead',
            name='last_mac',
            field=models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64),
        ),
        migrations.AddField(
            model_name='audithead',
            name='sealed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='audithead',
            name='signature',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.RunPython(nothing_sealed_yet, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_event_unsealed'),
        ),
        migrations.AddField(
            model_name='auditcheck',
            name='started_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]
