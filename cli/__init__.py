"""Command-line tasks (``flask --app app …``), one module per area."""

from __future__ import annotations

import importlib

from flask import Flask

COMMAND_MODULES = (
    "cli.database", "cli.reference", "cli.users", "cli.demo", "cli.notifications", "cli.privacy", "cli.backup",
    "cli.stats",
)


def register_commands(app: Flask) -> None:
    """Each module exposes ``commands``: a list of click commands."""
    for name in COMMAND_MODULES:
        for command in importlib.import_module(name).commands:
            app.cli.add_command(command)
