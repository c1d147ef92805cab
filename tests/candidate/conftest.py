"""Candidate-journey fixtures: log a user in without going through the login form."""

from __future__ import annotations

import pytest


@pytest.fixture
def login(client):
    """``login(user)``: the session cookie Flask-Login would set after a successful login."""

    def _login(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return client

    return _login
