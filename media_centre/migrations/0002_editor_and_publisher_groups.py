"""The desk's two roles: Editor (writes drafts, uploads files) and Publisher (also publishes)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = [
    "organisation", "topic", "person", "position", "mediacontact", "pressrelease", "quote",
    "event", "eventsession", "eventspeaker", "mou", "mouparty", "study", "document",
]
PUBLISH = ["publish_pressrelease", "publish_event", "publish_mou", "publish_study", "publish_person"]


def make_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="media_centre")

    editing = [f"{action}_{model}" for model in CONTENT_MODELS for action in ("view", "add", "change", "delete")]
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(perms.filter(codename__in=editing))
    publisher, _ = Group.objects.get_or_create(name="Publisher")
    publisher.permissions.set(perms.filter(codename__in=editing + PUBLISH))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Publisher"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("media_centre", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
