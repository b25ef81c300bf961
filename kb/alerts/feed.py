"""An Atom feed (RFC 4287) of one rule's alerts, so analysts can follow them in a feed reader.

Built with ElementTree, which escapes text; characters XML 1.0 forbids (control characters that
news text sometimes carries) are removed first so the document always parses.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from kb.alerts.messages import rule_label
from kb.alerts.rules import find_rule
from kb.db import utcnow
from kb.models import Alert

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(value) -> str:
    return _NOT_XML.sub("", str(value or ""))


def _time(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def _sub(parent, tag: str, text=None, **attrs):
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _text(text)
    return el


def _link(payload_text: str):
    """The reporting article's URL when it is http(s) (never javascript: or file: from a feed)."""
    try:
        data = json.loads(payload_text or "{}")
    except ValueError:
        return None
    sources = data.get("sources") or []
    article = data.get("article") or (sources[0] if sources else None) or {}
    url = str(article.get("url") or "") if isinstance(article, dict) else ""
    return url if urlsplit(url).scheme in ("http", "https") else None


def render_feed(session: Session, rule_ref, limit: int = 200) -> str:
    """The Atom XML of a rule's newest alerts (RULE_REF is an id or a name); NotFound if no rule."""
    rule = find_rule(session, rule_ref)
    alerts = session.exec(select(Alert).where(col(Alert.rule_id) == rule.id)
                          .order_by(col(Alert.created_at).desc(), col(Alert.id).desc()).limit(limit)).all()
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", f"urn:aikb:rule:{rule.id}:{_time(rule.created_at)}")
    _sub(feed, "title", f"aikb alerts: {rule_label(rule)}")
    _sub(feed, "updated", _time(alerts[0].created_at if alerts else rule.created_at or utcnow()))
    author = _sub(feed, "author")
    _sub(author, "name", "aikb")
    _sub(feed, "generator", "aikb")
    for a in alerts:
        entry = _sub(feed, "entry")
        # an entry id must never change: the rule and the event's dedupe key identify it
        _sub(entry, "id", f"urn:aikb:rule:{rule.id}:{_time(rule.created_at)}:alert:{a.dedupe_key}")
        _sub(entry, "title", a.title, type="text")
        _sub(entry, "updated", _time(a.created_at))
        _sub(entry, "published", _time(a.created_at))
        _sub(entry, "category", term=a.kind)
        _sub(entry, "content", a.body, type="text")
        link = _link(a.payload)
        if link:
            _sub(entry, "link", rel="alternate", href=link)
    return ET.tostring(feed, encoding="unicode", xml_declaration=False).join(
        ['<?xml version="1.0" encoding="utf-8"?>\n', "\n"])
