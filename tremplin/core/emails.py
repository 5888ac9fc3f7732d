"""Every email leaves through here: rendered from templates, sent by a background task."""

import uuid

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from tremplin.core.tasks import send_email


def email_send(
    *,
    to: str,
    template: str,
    context: dict,
    language: str | None = None,
    key: str = "",
    headers: dict[str, str] | None = None,
) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt`, queue the sending.

    Rendering happens now (the request knows the language and the objects); the task only
    talks to the mail server, so a retried task sends the same text. Every sending carries an
    idempotency key (`tasks.send_email` never sends one key twice): the caller's `key` when the
    same email must not leave twice from two different calls (a daily digest, a batched
    thread), otherwise a fresh one, so that a task run again sends nothing more.
    """
    key = key or f"{template}:{uuid.uuid4()}"
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    extra = {"headers": headers} if headers else {}
    send_email.enqueue(to=[to], subject=subject, body=body, key=key, **extra)
