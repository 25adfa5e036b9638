from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("meeting", "meetings"), ("directive", "directives"), ("task", "tasks"), ("report", "progress reports")], max_length=20, verbose_name="kind")),
                ("object_id", models.PositiveBigIntegerField()),
                ("unit_paths", models.TextField(blank=True)),
                ("title", models.CharField(max_length=500, verbose_name="title")),
                ("body", models.TextField(blank=True)),
                ("segmented", models.TextField(blank=True)),
            ],
            options={"verbose_name": "search document", "verbose_name_plural": "search documents"},
        ),
        migrations.AddConstraint(
            model_name="searchdocument",
            constraint=models.UniqueConstraint(fields=("kind", "object_id"), name="search_document_unique"),
        ),
    ]
