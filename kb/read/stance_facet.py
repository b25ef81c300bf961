"""Search's stance facet: the models whose current stance is open (or closed), on SQLAlchemy Core alone.

The current stance is kb.read.compare.model_openness's: a model's own latest (non-planned, dated) stance
event, else the latest one its organization took for the same model line (kb.read.shifts.family_key).
Merged names follow their survivor: their claims point at it.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from kb.read.core_tables import entity, stanceevent
from kb.read.shifts import family_key


def stance_model_ids(conn: Connection, stance: str) -> list[int]:
    """Every model whose current stance (model_openness) is STANCE, in one pass over the stance events."""
    ev = stanceevent.c
    events = conn.execute(select(ev.model_id, ev.org_id, func.coalesce(entity.c.name, ev.model_name), ev.stance,
                                 ev.occurred_at, ev.id)
                          .join(entity, entity.c.id == ev.model_id, isouter=True)
                          .where(ev.planned == False, ev.occurred_at.is_not(None))).all()  # noqa: E712
    own: dict[int, tuple] = {}
    line: dict[tuple[int, str], tuple] = {}
    for model_id, org_id, name, value, when, eid in events:
        if model_id is not None and (model_id not in own or (when, eid) > own[model_id][:2]):
            own[model_id] = (when, eid, value)
        if org_id is not None:
            key = (org_id, family_key(name))
            if key not in line or (when, eid) > line[key][:2]:
                line[key] = (when, eid, value)
    ids = {m for m, (_, _, value) in own.items() if value == stance}
    orgs = list({org for org, _ in line})
    for start in range(0, len(orgs), 500):
        for mid, name, org_id in conn.execute(select(entity.c.id, entity.c.name, entity.c.org_id).where(
                entity.c.kind == "model", entity.c.org_id.in_(orgs[start:start + 500]))):
            if mid not in own:
                found = line.get((org_id, family_key(name)))
                if found and found[2] == stance:
                    ids.add(mid)
    return sorted(ids)
