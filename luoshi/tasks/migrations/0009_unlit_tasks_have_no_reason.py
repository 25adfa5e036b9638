# Joins the unlit tasks (0007_unlit_tasks) with the stored light reasons (0007_light_reason):
# whichever ran last, a task whose status has no light keeps neither a light nor a reason.
from django.db import migrations

# The statuses that have a light, as lifecycle.LIT says on the day of this migration.
LIT = ["assigned", "signed", "in_progress", "completion_requested"]


def clear_unlit(apps, schema_editor):
    from luoshi.tasks.counts import rebuild

    Task = apps.get_model("tasks", "Task")
    changed = (Task.objects.using(schema_editor.connection.alias).exclude(status__in=LIT).exclude(light="", light_rule="", light_amount=None)
               .update(light="", light_rule="", light_amount=None))
    if changed:
        rebuild(Task, apps.get_model("tasks", "TaskCount"))


class Migration(migrations.Migration):

    dependencies = [
        ("tasks", "0007_unlit_tasks"),
        ("tasks", "0008_merge_0007_daily_cadence_0007_light_reason"),
    ]

    operations = [
        migrations.RunPython(clear_unlit, migrations.RunPython.noop),
    ]
