"""Placeholder module: its commands are added by the work that owns them."""

commands: list = []
