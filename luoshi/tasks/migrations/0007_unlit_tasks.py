from django.db import migrations, models

# The statuses that have a light, as lifecycle.LIT says on the day of this migration.
LIT = ["assigned", "signed", "in_progress", "completion_requested"]


def clear_lights(apps, schema_editor):
    """Drafts, suspended, completed and cancelled tasks lose their light; the stored counts,
    keyed by light, are counted again."""
    from luoshi.tasks.counts import rebuild

    Task = apps.get_model("tasks", "Task")
    Task.objects.exclude(status__in=LIT).exclude(light="").update(light="")
    rebuild(Task, apps.get_model("tasks", "TaskCount"))


class Migration(migrations.Migration):

    dependencies = [
        ("tasks", "0006_returned_report_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="task",
            name="light",
            field=models.CharField(blank=True, choices=[("", "no light"), ("green", "on track"), ("amber", "at risk"), ("red", "overdue")], db_index=True, default="", max_length=10, verbose_name="light"),
        ),
        migrations.RunPython(clear_lights, migrations.RunPython.noop),
    ]
