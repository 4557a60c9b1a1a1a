"""The media list (journalists, lists of them) and embargoed access to scheduled releases; the
desk's editors and publishers keep the media list (granting access takes a publisher)."""

from django.contrib.auth.management import create_permissions

import django.db.models.deletion
import django.utils.timezone
import media_centre.models.embargo
from django.conf import settings
from django.db import migrations, models

MEDIA_LIST_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("journalist", "medialist")
    for action in ("view", "add", "change", "delete")
]


def _permissions(apps):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="media_centre", codename__in=MEDIA_LIST_PERMISSIONS
    )


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    perms = list(_permissions(apps))
    for group in Group.objects.filter(name__in=["Editor", "Publisher"]):
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    perms = list(_permissions(apps))
    for group in Group.objects.filter(name__in=["Editor", "Publisher"]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):

    dependencies = [
        ('media_centre', '0015_publishers_see_the_mailing_list'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='EmbargoGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(editable=False, max_length=64, null=True, unique=True)),
                ('language', models.CharField(choices=[('en', 'English'), ('zh-hant', 'Traditional Chinese'), ('zh-hans', 'Simplified Chinese')], max_length=8, verbose_name='language')),
                ('granted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='granted')),
                ('link_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='link sent')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked')),
                ('granted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='granted by')),
                ('release', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='embargo_grants', to='media_centre.pressrelease', verbose_name='press release')),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='revoked by')),
            ],
            options={
                'verbose_name': 'embargoed access',
                'verbose_name_plural': 'embargoed access',
                'ordering': ['journalist__name', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='EmbargoAccess',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('document_id', models.PositiveIntegerField(blank=True, help_text='Empty: the page itself was opened.', null=True, verbose_name='document')),
                ('address', models.CharField(blank=True, help_text='The address, shortened.', max_length=45, verbose_name='network')),
                ('user_agent', models.CharField(blank=True, max_length=200, verbose_name='browser')),
                ('grant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='accesses', to='media_centre.embargogrant', verbose_name='embargoed access')),
            ],
            options={
                'verbose_name': 'opening of an embargoed link',
                'verbose_name_plural': 'openings of embargoed links',
                'ordering': ['-at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='Journalist',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('outlet', models.CharField(help_text='The newspaper, agency or programme.', max_length=200, verbose_name='outlet')),
                ('email', models.EmailField(help_text='Embargoed links are sent here.', max_length=254, unique=True, verbose_name='email')),
                ('language', models.CharField(choices=[('en', 'English'), ('zh-hant', 'Traditional Chinese'), ('zh-hans', 'Simplified Chinese')], default='en', help_text='Emails and embargoed copies are sent in this language.', max_length=8, verbose_name='main language')),
                ('other_languages', models.JSONField(blank=True, default=list, help_text='Other languages this journalist reads.', validators=[media_centre.models.embargo.validate_languages], verbose_name='also reads')),
                ('basis', models.CharField(choices=[('consent', 'They agreed to be on our media list'), ('professional', 'Legitimate interest: a professional press contact'), ('public_role', 'Their contact details are public for their role')], help_text="Why we may keep this person's details. Needed for every entry.", max_length=16, verbose_name='basis on which this entry is kept')),
                ('basis_note', models.TextField(blank=True, help_text='E.g. when and how they agreed, or where their address is published.', verbose_name='note on the basis')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='added')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last modified')),
                ('topics', models.ManyToManyField(blank=True, related_name='journalists', to='media_centre.topic', verbose_name='topics')),
            ],
            options={
                'verbose_name': 'journalist',
                'verbose_name_plural': 'journalists',
                'ordering': ['name', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='embargogrant',
            name='journalist',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='embargo_grants', to='media_centre.journalist', verbose_name='journalist'),
        ),
        migrations.CreateModel(
            name='MediaList',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                ('description', models.TextField(blank=True, help_text='Who is on this list, and what it is for.', verbose_name='description')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='added')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last modified')),
                ('members', models.ManyToManyField(blank=True, related_name='media_lists', to='media_centre.journalist', verbose_name='journalists')),
            ],
            options={
                'verbose_name': 'media list',
                'verbose_name_plural': 'media lists',
                'ordering': ['name'],
            },
        ),
        migrations.AddConstraint(
            model_name='embargogrant',
            constraint=models.UniqueConstraint(fields=('release', 'journalist'), name='embargo_grant_one_per_journalist', violation_error_message='This journalist already has access to this item.'),
        ),
        migrations.RunPython(grant, revoke),
    ]
