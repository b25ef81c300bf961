"""Alerts: the inbox (read and unread) and the rules that fill it."""
import streamlit as st

from kb.alerts.inbox import mark_read
from kb.alerts.rules import DIGESTS, EVENTS, add_checked_rule, remove_rule
from kb.errors import AikbError
from ui import reads
from ui.common import change, fmt_date, md_escape, page_setup

url = page_setup("Alerts")
inbox_tab, rules_tab = st.tabs(["Inbox", "Rules"])

with inbox_tab:
    unread_only = st.toggle("Unread only", value=True, key="unread_only")
    # The inbox is read fresh on every run: a cached copy would hide alerts that just fired.
    alerts = reads.list_alerts(url, unread_only=unread_only)
    if not alerts:
        if unread_only:
            st.info("No unread alerts. Switch off “Unread only” to see older ones.")
        else:
            st.info("No alerts yet: add a rule under Rules, then run `aikb ingest` (alerts fire on new data).")
    else:
        if st.button(f"Mark all {len(alerts)} shown as read", key="read_all", icon=":material/done_all:"):
            change(url, mark_read, [a.id for a in alerts])
            st.rerun()
        for alert in alerts:
            with st.container(border=True):
                badge = ":gray-badge[read]" if alert.read else ":blue-badge[unread]"
                st.markdown(f"{badge} **{md_escape(alert.title)}**")
                st.caption(f"{md_escape(alert.kind)} · {fmt_date(alert.created_at)}"
                           + (f" · rule {md_escape(alert.rule)}" if getattr(alert, "rule", None) else ""))
                if alert.body:
                    st.markdown(md_escape(alert.body))
                if not alert.read and st.button("Mark read", key=f"read_{alert.id}"):
                    change(url, mark_read, [alert.id])
                    st.rerun()

with rules_tab:
    if "rules_flash" in st.session_state:  # survives the rerun that refreshes the table
        st.success(st.session_state.pop("rules_flash"))
    rules = reads.list_rules(url)
    if rules:
        st.dataframe([{
            "id": r.id, "rule": r.label, "on": r.on, "digest": r.digest, "webhook": r.webhook_url or "",
            "email": r.email or "", "enabled": r.enabled, "alerts": r.alerts, "unread": r.unread,
        } for r in rules], hide_index=True, width="stretch")
        left, right = st.columns([3, 1])
        doomed = left.selectbox("Rule to remove", rules, index=None, format_func=lambda r: f"{r.id}: {r.label}",
                                key="doomed", placeholder="choose a rule")
        if right.button("Remove rule", key="remove_rule", disabled=doomed is None, icon=":material/delete:"):
            change(url, remove_rule, doomed.id)
            st.session_state["rules_flash"] = f"Removed rule {doomed.id}."
            st.rerun()
    else:
        st.info("No rules yet: add one below to be told about new scores, records, stance shifts or models.")

    with st.form("new_rule", clear_on_submit=False):
        st.markdown("**New rule**")
        c1, c2, c3 = st.columns(3)
        on = c1.selectbox("When", EVENTS, key="rule_on")
        name = c2.text_input("Name (optional)", key="rule_name")
        digest = c3.selectbox("Deliver", DIGESTS, key="rule_digest")
        known = reads.rule_name_options(url)
        c4, c5, c6, c7 = st.columns(4)
        benchmark = c4.selectbox("Benchmark", known.get("benchmarks", []), index=None, key="rule_benchmark",
                                 accept_new_options=True, placeholder="any (type to search)")
        model = c5.selectbox("Model", known.get("models", []), index=None, key="rule_model",
                             accept_new_options=True, placeholder="any (type to search)")
        org = c6.selectbox("Organization", known.get("orgs", []), index=None, key="rule_org",
                           accept_new_options=True, placeholder="any (type to search)")
        min_value = c7.number_input("Minimum value", value=None, key="rule_min")
        allow_new = st.checkbox("Allow a name not seen yet (e.g. a model not announced yet)", key="rule_allow_new",
                                help="Otherwise a name the store and the gazetteer do not know is refused: "
                                     "a rule on a misspelt name could never fire.")
        text = st.text_input("Words in the evidence (search rules)", key="rule_query")
        c8, c9 = st.columns(2)
        webhook = c8.text_input("Webhook URL (optional)", key="rule_webhook")
        email = c9.text_input("E-mail (optional)", key="rule_email")
        if st.form_submit_button("Add rule", icon=":material/add_alert:"):
            try:
                view = change(url, add_checked_rule, allow_new=allow_new, on=on, name=name or None, benchmark=benchmark or None,
                              model=model or None, org=org or None, min_value=min_value, query=text or None,
                              webhook=webhook or None, email=email or None, digest=digest)
            except AikbError as exc:
                st.error(md_escape(str(exc)))  # messages quote what was typed
            else:
                st.session_state["rules_flash"] = f"Added rule {view.id}: {md_escape(view.label)}"
                st.rerun()
