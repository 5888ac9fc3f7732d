import pytest
from django.core.management import call_command
from django.tasks import task_backends
from django.test import override_settings

from tremplin.core.emails import email_send
from tremplin.core.tasks import send_email

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_a_queued_email(mailoutbox):
    with override_settings(TASKS=DATABASE_TASKS):
        task_backends._settings = None
        try:
            result = send_email.using(backend="default").enqueue(
                to=["lea@example.org"], subject="Bonjour", body="Corps"
            )
            assert mailoutbox == []  # queued, not sent
            call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
            result.refresh()
            assert result.status == "SUCCESSFUL"
        finally:
            task_backends._settings = None
    assert [m.subject for m in mailoutbox] == ["Bonjour"]


@pytest.mark.django_db
def test_emails_are_rendered_in_the_requested_language(mailoutbox):
    from tests.accounts.factories import UserFactory

    user = UserFactory(first_name="Léa")
    email_send(
        to=user.email,
        template="accounts/emails/confirmation",
        context={"user": user, "link": "http://x/", "days": 3},
        language="fr",
    )

    assert mailoutbox[0].subject == "Confirmez votre adresse sur Tremplin"
    assert "Bonjour Léa," in mailoutbox[0].body


@pytest.mark.django_db
def test_an_email_key_is_written_only_after_the_send(monkeypatch, mailoutbox):
    """At least once: a send that fails (or a crash before it ends) leaves no key behind, so
    the retry sends; once sent, the key stops a second run."""
    from tremplin.core import tasks
    from tremplin.core.models import SentEmail

    def refused(**kwargs):
        assert not SentEmail.objects.filter(key="k").exists()  # not before the send
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(tasks, "_send", refused)
    with pytest.raises(ConnectionRefusedError):
        send_email.call(to=["lea@example.org"], subject="Bonjour", body="Corps", key="k")
    assert not SentEmail.objects.filter(key="k").exists()

    monkeypatch.undo()
    assert send_email.call(to=["lea@example.org"], subject="Bonjour", body="Corps", key="k") == 1
    assert send_email.call(to=["lea@example.org"], subject="Bonjour", body="Corps", key="k") == 0
    assert [m.subject for m in mailoutbox] == ["Bonjour"]
    assert SentEmail.objects.filter(key="k").count() == 1
