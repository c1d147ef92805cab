"""``flask backup`` / ``flask restore``: a round trip brings back exactly what was saved."""

from __future__ import annotations

import sqlite3

from sqlalchemy import func, select

from app import create_app
from models import Need, User
from services.backup import row_counts


def _counts(db):
    return db.scalar(select(func.count()).select_from(User)), db.scalar(select(func.count()).select_from(Need))


def _saved_world(build, db):
    manager = build.manager(email="directrice@exemple.fr")
    build.need(establishment=manager.establishments[0])
    build.candidate(email="camille@exemple.fr")
    build.commit()
    db.close()


def test_backup_then_restore_brings_back_the_saved_state(app, build, db, runner, tmp_path):
    _saved_world(build, db)
    backup_file = tmp_path / "sauvegarde.dump"
    result = runner.invoke(args=["backup", "--output", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert "Sauvegarde écrite" in result.output
    assert backup_file.stat().st_size > 0

    # Life goes on after the backup: a user leaves, another arrives.
    db.delete(db.scalar(select(User).where(User.email == "camille@exemple.fr")))
    build.user(email="nouveau@exemple.fr")
    build.commit()
    db.close()

    refused = runner.invoke(args=["restore", "--input", str(backup_file)])
    assert refused.exit_code == 1
    assert "La base cible n'est pas vide" in refused.output and "--yes" in refused.output
    assert db.scalar(select(User.email).where(User.email == "nouveau@exemple.fr")) == "nouveau@exemple.fr"
    db.close()

    restored = runner.invoke(args=["restore", "--input", str(backup_file), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "Base restaurée" in restored.output
    emails = set(db.scalars(select(User.email)))
    # manager + candidate; the need's establishment came with the manager
    assert emails == {"directrice@exemple.fr", "camille@exemple.fr"}
    assert _counts(db) == (2, 1)


def test_restore_into_an_empty_sqlite_database_needs_no_confirmation(app, build, db, runner, tmp_path):
    _saved_world(build, db)
    backup_file = tmp_path / "sauvegarde.dump"
    assert runner.invoke(args=["backup", "--output", str(backup_file)]).exit_code == 0

    if app.config["DATABASE_URL"].startswith("sqlite"):
        sqlite_backup = backup_file
    else:  # the PostgreSQL dump cannot be opened by SQLite: make an SQLite copy of a known world instead
        sqlite_backup = tmp_path / "monde.sqlite3"
        with sqlite3.connect(sqlite_backup) as conn:
            conn.execute("CREATE TABLE user_account (id INTEGER PRIMARY KEY, email TEXT)")
            conn.executemany("INSERT INTO user_account (email) VALUES (?)", [("directrice@exemple.fr",), ("camille@exemple.fr",)])
        conn.close()
    target = tmp_path / "neuve" / "releve.sqlite3"
    other = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{target}"})
    with other.app_context():  # the command runs in the current app context: make it the new app's
        result = other.test_cli_runner().invoke(args=["restore", "--input", str(sqlite_backup)])
    assert result.exit_code == 0, result.output
    assert row_counts(f"sqlite:///{target}")["user_account"] == 2


def test_restore_refuses_a_file_that_is_not_a_backup(app, build, db, runner, tmp_path):
    _saved_world(build, db)
    bogus = tmp_path / "notes.txt"
    bogus.write_text("pas une sauvegarde")
    result = runner.invoke(args=["restore", "--input", str(bogus), "--yes"])
    assert result.exit_code == 1
    assert "n'est pas une sauvegarde" in result.output
    assert _counts(db) == (2, 1)


def test_restore_reports_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["restore", "--input", str(tmp_path / "absent.dump")])
    assert result.exit_code == 1
    assert "introuvable" in result.output
