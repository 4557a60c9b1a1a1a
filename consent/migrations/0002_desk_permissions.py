"""Editors read the consent records; publishers also manage categories, cookies and policies."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGED = ["category", "declaredcookie", "policyversion"]
EDITOR = ["view_consentrecord"]
PUBLISHER = EDITOR + [f"{action}_{model}" for model in MANAGED for action in ("view", "add", "change", "delete")]


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="consent", codename__in=codenames)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in (("Editor", EDITOR), ("Publisher", PUBLISHER)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Editor", "Publisher"]):
        group.permissions.remove(*_permissions(apps, PUBLISHER))


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0001_initial"),
        ("media_centre", "0002_editor_and_publisher_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
