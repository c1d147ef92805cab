"""Backups and restores of the whole database, in the format each engine trusts.

SQLite: the online backup API copies a consistent snapshot while the app keeps running.
PostgreSQL: ``pg_dump -Fc`` (custom format) and ``pg_restore --clean --if-exists``, the
client tools of Debian's ``postgresql-client``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, table
from sqlalchemy.engine import make_url

IGNORED_TABLES = {"alembic_version"}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message is French, for the operator."""


def _sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("Une base SQLite en mémoire ne peut pas être sauvegardée.")
    return Path(url.database)


def _libpq_url(database_url: str) -> str:
    """pg_dump/pg_restore take a libpq URI: no SQLAlchemy driver suffix."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(arguments: list[str]) -> None:
    if shutil.which(arguments[0]) is None:
        raise BackupError(f"Commande {arguments[0]} introuvable : installez le paquet postgresql-client.")
    result = subprocess.run(arguments, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{arguments[0]} a échoué : {result.stderr.strip()}")


def backup(database_url: str, output: Path) -> None:
    """Write a full copy of the database to ``output`` (replaced only once the copy is complete)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partiel")
    partial.unlink(missing_ok=True)
    source = _sqlite_path(database_url)
    try:
        if source is None:
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={_libpq_url(database_url)}"])
        else:
            if not source.exists():
                raise BackupError(f"La base SQLite {source} n'existe pas.")
            _sqlite_copy(source, partial)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_copy(source: Path, destination: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
        src.backup(dst)
    # sqlite3's context manager commits but does not close.
    src.close()
    dst.close()


def row_counts(database_url: str) -> dict[str, int]:
    """Rows per table (Alembic's bookkeeping aside): what a restore would replace."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            names = [name for name in inspect(conn).get_table_names() if name not in IGNORED_TABLES]
            return {name: conn.scalar(select(func.count()).select_from(table(name))) for name in names}
    finally:
        engine.dispose()


def restore(database_url: str, source_file: Path, overwrite: bool = False) -> None:
    """Replace the database by a backup; refuse to erase data unless ``overwrite``."""
    source_file = Path(source_file)
    if not source_file.is_file():
        raise BackupError(f"Le fichier de sauvegarde {source_file} est introuvable.")
    sqlite_target = _sqlite_path(database_url)
    _check_backup_file(source_file, postgres=sqlite_target is None)
    if sqlite_target is None or sqlite_target.exists():
        filled = {name: count for name, count in row_counts(database_url).items() if count}
        if filled and not overwrite:
            total = sum(filled.values())
            raise BackupError(
                f"La base cible n'est pas vide ({total} lignes dans {len(filled)} tables). "
                "Relancez avec --yes pour la remplacer par la sauvegarde."
            )
    if sqlite_target is None:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url(database_url)}", str(source_file)])
    else:
        sqlite_target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source_file, sqlite_target)


def _check_backup_file(path: Path, postgres: bool) -> None:
    """Refuse a file that is not a backup of the right engine before touching the database."""
    if postgres:
        if path.read_bytes()[:5] != b"PGDMP":
            raise BackupError(f"{path} n'est pas une sauvegarde PostgreSQL (format pg_dump -Fc).")
        return
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        conn.close()
    except sqlite3.DatabaseError:
        ok = False
    if not ok:
        raise BackupError(f"{path} n'est pas une sauvegarde SQLite valide.")
