"""The app's routes as tests see them: every rule but static files, and URLs built for them."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Rule

IGNORED_ENDPOINTS = {"static"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def app_rules(app) -> list[Rule]:
    """Rules of the app, in a stable order (by URL, then endpoint)."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint not in IGNORED_ENDPOINTS]
    return sorted(rules, key=lambda rule: (rule.rule, rule.endpoint))


def state_changing_rules(app) -> list[Rule]:
    return [rule for rule in app_rules(app) if rule.methods & STATE_CHANGING]


def placeholder_values(rule: Rule) -> dict:
    """Values for the URL parameters when the objects do not matter (the request is refused first)."""
    return {name: 1 if isinstance(rule._converters[name], IntegerConverter) else "x" for name in rule.arguments}


def build_path(app, rule: Rule, values: dict) -> str:
    missing = sorted(set(rule.arguments) - set(values))
    assert not missing, f"no test value for URL parameters {missing} of {rule.endpoint}: add them to the matrix fixtures"
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments}, method=sorted(rule.methods)[0])
