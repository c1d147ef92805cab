"""Alembic environment: the app's models, batch mode for SQLite, no Flask needed."""

from __future__ import annotations

import os
import sys
from logging.config import fileConfig
from pathlib import Path

from alembic import context
from sqlalchemy import String, create_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import config as settings  # noqa: E402
from models import Base  # noqa: E402
from models.base import EnumCode  # noqa: E402

alembic_config = context.config
if alembic_config.config_file_name and not alembic_config.attributes.get("database_url"):
    fileConfig(alembic_config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    return (
        alembic_config.attributes.get("database_url")
        or settings.from_environment()["DATABASE_URL"]
        or os.environ["DATABASE_URL"]
    )


def render_item(type_, obj, autogen_context):
    """Enum codes are plain VARCHARs in the schema: migrations do not import app types."""
    if type_ == "type" and isinstance(obj, EnumCode):
        return f"sa.String(length={obj.impl.length})"
    return False


def compare_type(context_, inspected_column, metadata_column, inspected_type, metadata_type):
    if isinstance(metadata_type, EnumCode):
        return not isinstance(inspected_type, String) or inspected_type.length != metadata_type.impl.length
    return None


def run_migrations() -> None:
    url = database_url()
    connectable = alembic_config.attributes.get("connection") or create_engine(url)
    options = dict(
        target_metadata=Base.metadata,
        render_as_batch=url.startswith("sqlite"),
        render_item=render_item,
        compare_type=compare_type,
    )
    if hasattr(connectable, "connect") and not hasattr(connectable, "execute"):
        try:
            with connectable.connect() as connection:
                context.configure(connection=connection, **options)
                with context.begin_transaction():
                    context.run_migrations()
        finally:
            connectable.dispose()  # no pooled connection left behind for the garbage collector
    else:
        context.configure(connection=connectable, **options)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
