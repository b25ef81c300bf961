"""Alembic environment: migrations run on the engine kb.db hands in (or AIKB_DATABASE_URL)."""
from alembic import context
from sqlmodel import SQLModel

import kb.models  # noqa: F401  (registers the tables on SQLModel.metadata)

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    engine = context.config.attributes.get("connection_engine")
    if engine is None:
        from kb.db import get_engine
        from kb.settings import load_settings

        engine = get_engine(load_settings().database_url)
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
