"""The two outbound channels: a webhook (JSON POST) and e-mail (SMTP). Each raises SendFailed.

The SMTP password is read from the environment only (AIKB_SMTP_PASSWORD, via Settings, whose
loader refuses it from a file); nothing here writes it anywhere.
"""
from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

import httpx


class SendFailed(Exception):
    """One attempt to deliver a message failed; the message says why (status, timeout, refusal)."""


def post_webhook(url: str, payload: dict, *, timeout: float, user_agent: str, idempotency_key: str) -> int:
    """POST PAYLOAD as JSON to URL; returns the status. Raises SendFailed unless the reply is 2xx.

    Redirects are not followed: a hook that moved should be updated by its owner.
    """
    headers = {"User-Agent": user_agent, "Idempotency-Key": idempotency_key}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            reply = client.post(url, json=payload, headers=headers)
    except httpx.TimeoutException as exc:
        raise SendFailed(f"timeout after {timeout:g}s ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
    if not 200 <= reply.status_code < 300:
        raise SendFailed(f"HTTP {reply.status_code}: {reply.text[:200]}")
    return reply.status_code


def _header(text: str) -> str:
    """A header value from untrusted text: one line (CR/LF would inject headers), bounded."""
    return " ".join(str(text).split())[:250]


def send_email(settings, to: str, subject: str, body: str, *, message_id: str) -> None:
    """Send a plain-text message over SMTP (STARTTLS and login when the settings ask for them).

    Port 465 speaks TLS from the start (SMTPS). Raises SendFailed on any SMTP or network error.
    """
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = _header(to)
    msg["Subject"] = _header(subject)
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = message_id  # stable per delivery: a resend after a crash can be spotted
    msg.set_content(body)
    password = settings.smtp_password or os.environ.get("AIKB_SMTP_PASSWORD", "")
    timeout = max(float(getattr(settings, "webhook_timeout", 10.0) or 10.0), 1.0)
    try:
        if int(settings.smtp_port) == 465:
            smtp = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        with smtp:
            smtp.ehlo()
            if settings.smtp_starttls and int(settings.smtp_port) != 465:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, password)
            refused = smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(f"SMTP {settings.smtp_host}:{settings.smtp_port}: {type(exc).__name__}: {exc}") from exc
    if refused:
        raise SendFailed(f"SMTP refused {', '.join(refused)}")
