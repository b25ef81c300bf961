"""Alerts: rules over structured events (new scores, records, stance shifts, new models, searches),
fired once per rule and event, delivered to the inbox, webhooks, e-mail and an Atom feed.

    evaluate(session, settings, now=None) -> EvalSummary      # called at the end of each ingest run
    deliver(session, settings, now=None) -> DeliverySummary   # plan and send messages, retry failures
    run_alerts(engine, settings) -> (EvalSummary, DeliverySummary)  # both, each committed
    add_rule / list_rules / remove_rule, list_alerts / mark_read, render_feed  # CLI and UI

Every function takes the session (and settings) it works with; results are frozen dataclasses.
"""
from kb.alerts.delivery import DeliverySummary, deliver, retry_failed, run_alerts
from kb.alerts.evaluation import EvalSummary, evaluate
from kb.alerts.feed import render_feed
from kb.alerts.inbox import AlertView, list_alerts, mark_read
from kb.alerts.rules import DIGESTS, EVENTS, RuleView, add_rule, find_rule, list_rules, remove_rule

__all__ = [
    "AlertView", "DIGESTS", "DeliverySummary", "EVENTS", "EvalSummary", "RuleView", "add_rule",
    "deliver", "evaluate", "find_rule", "list_alerts", "list_rules", "mark_read", "remove_rule",
    "render_feed", "retry_failed", "run_alerts",
]
