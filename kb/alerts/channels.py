"""The two outbound channels: a webhook (JSON POST) and e-mail (SMTP). Each raises SendFailed.

The SMTP password is read from the environment only (AIKB_SMTP_PASSWORD, via Settings, whose
loader refuses it from a file); nothing here writes it anywhere.
"""
from __future__ import annotations

import os
import smtplib
import socket
import ssl
import threading
import time
from email.message import EmailMessage
from email.utils import formatdate

import httpx


class SendFailed(Exception):
    """One attempt to deliver a message failed; the message says why (status, timeout, refusal).

    `unreachable` is True when the receiver did not answer in time or at all (a timeout, a refused
    or dropped connection), as opposed to answering with an error: the deliverer then leaves that
    receiver's other messages for the next run instead of waiting out its deadline for each.
    """

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


REPLY_BYTES = 4096  # of a webhook's error reply, for the message; a 2xx reply's body is never read


def post_webhook(url: str, payload: dict, *, timeout: float, user_agent: str, idempotency_key: str,
                 deadline: float | None = None) -> int:
    """POST PAYLOAD as JSON to URL; returns the status. Raises SendFailed unless the reply is 2xx.

    TIMEOUT bounds each wait (connect, each read); DEADLINE (time.monotonic) bounds the whole
    request, so a receiver trickling its headers one byte at a time cannot hold the run. A 2xx
    status is enough: the body is not read at all (an endless or huge reply costs nothing), and of
    an error reply only the first REPLY_BYTES are read for the message. Redirects are not
    followed: a hook that moved should be updated by its owner.
    """
    from ingest.transport import guarded_transport, request_policy

    headers = {"User-Agent": user_agent, "Idempotency-Key": idempotency_key}
    deadline = deadline if deadline is not None else time.monotonic() + max(timeout, 0.1)
    try:
        # the hook is the user's own (it may live on the intranet): allow private addresses, keep the
        # transport's hard deadline on every read and write (a proxy from the environment is still
        # honoured, as before; through one, each wait is bounded by TIMEOUT only)
        with request_policy(deadline, True), \
                httpx.Client(timeout=timeout, follow_redirects=False, transport=guarded_transport()) as client, \
                client.stream("POST", url, json=payload, headers=headers) as reply:
            status = reply.status_code
            if 200 <= status < 300:
                return status  # sent; closing the stream drops whatever the receiver still sends
            head = _read_some(reply, REPLY_BYTES)
    except httpx.TimeoutException as exc:
        if time.monotonic() >= deadline:
            raise SendFailed(f"timeout: deadline exceeded ({type(exc).__name__})", unreachable=True) from exc
        raise SendFailed(f"timeout after {timeout:g}s ({type(exc).__name__})", unreachable=True) from exc
    except httpx.HTTPError as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}",
                         unreachable=isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError))) from exc
    text = " ".join(head.decode("utf-8", errors="replace").split())[:200]
    raise SendFailed(f"HTTP {status}: {text}")


def _read_some(reply: httpx.Response, limit: int) -> bytes:
    """At most LIMIT bytes of REPLY's body (as sent), never more, whatever the receiver sends."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in reply.iter_raw(1024):
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
    except httpx.HTTPError:
        pass  # the status is what counts; a broken error body just shortens the message
    return b"".join(chunks)[:limit]


def _header(text: str) -> str:
    """A header value from untrusted text: one line (CR/LF would inject headers), bounded."""
    return " ".join(str(text).split())[:250]


class _Watchdog:
    """Shuts SMTP's socket down when DEADLINE (time.monotonic) passes, whatever call is waiting on it.

    smtplib's timeout bounds each socket operation, so a server trickling one byte per read never
    trips it; closing the socket from a timer ends the blocked read at once (SMTPServerDisconnected).
    """

    def __init__(self, smtp: smtplib.SMTP, deadline: float) -> None:
        self.smtp, self.fired = smtp, False
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0.0), self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        sock = getattr(self.smtp, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> "_Watchdog":
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()


def send_email(settings, to: str, subject: str, body: str, *, message_id: str, deadline: float | None = None) -> None:
    """Send a plain-text message over SMTP (STARTTLS and login when the settings ask for them).

    Port 465 speaks TLS from the start (SMTPS). Each wait is bounded by the settings' timeout and
    the whole conversation (connect, TLS, each command, the message) by DEADLINE (time.monotonic).
    Raises SendFailed on any SMTP or network error, or when the deadline passes.
    """
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = _header(to)
    msg["Subject"] = _header(subject)
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = message_id  # stable per delivery: a resend after a crash can be spotted
    msg.set_content(body)
    password = settings.smtp_password or os.environ.get("AIKB_SMTP_PASSWORD", "")
    timeout = max(float(getattr(settings, "webhook_timeout", 10.0) or 10.0), 0.1)
    if deadline is None:
        deadline = time.monotonic() + float(getattr(settings, "delivery_deadline", 30.0) or 30.0)
    implicit_tls = int(settings.smtp_port) == 465
    smtp = smtplib.SMTP_SSL(context=ssl.create_default_context()) if implicit_tls else smtplib.SMTP()
    smtp.timeout = timeout
    # what the constructor would set (a private attribute): TLS checks the certificate against it
    smtp._host = settings.smtp_host  # type: ignore[attr-defined]
    watchdog = _Watchdog(smtp, deadline)
    try:
        with watchdog:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SendFailed("SMTP: timeout: deadline exceeded before connecting", unreachable=True)
            smtp.timeout = min(timeout, left)  # connecting (and SMTPS's handshake) within the deadline
            smtp.connect(settings.smtp_host, int(settings.smtp_port))
            with smtp:
                smtp.ehlo()
                if settings.smtp_starttls and not implicit_tls:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if settings.smtp_user:
                    smtp.login(settings.smtp_user, password)
                refused = smtp.send_message(msg)
    except SendFailed:
        raise
    except (smtplib.SMTPException, OSError) as exc:
        where = f"SMTP {settings.smtp_host}:{settings.smtp_port}"
        if watchdog.fired:
            raise SendFailed(f"{where}: timeout: deadline exceeded (the server answered too slowly)",
                             unreachable=True) from exc
        # SMTPException is an OSError too: only network failures and a dropped session count as unreachable
        unreachable = (isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError))
                       or not isinstance(exc, smtplib.SMTPException))
        raise SendFailed(f"{where}: {type(exc).__name__}: {exc}", unreachable=unreachable) from exc
    finally:
        smtp.close()
    if refused:
        raise SendFailed(f"SMTP refused {', '.join(refused)}")
