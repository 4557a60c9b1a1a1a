"""Publishers read (and export) the review log; editors see their items' steps on the items."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {"workflow": ["view_step"]}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="workflow", codename="view_step")
    for group in Group.objects.filter(name="Publisher"):
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="workflow", codename="view_step")
    for group in Group.objects.filter(name="Publisher"):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("media_centre", "0011_public_notes"),
        ("workflow", "0001_review_log"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
