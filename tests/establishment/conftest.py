"""A small world for the establishment pages: a manager, his need, an applicant, a stranger."""

from dataclasses import dataclass

import pytest

from models.enums import Role


@dataclass
class World:
    manager: object
    establishment: object
    need: object
    candidate: object
    application: object
    stranger: object
    candidate_user: object


@pytest.fixture
def world(build):
    manager = build.manager()
    establishment = manager.establishments[0]
    need = build.need(establishment, positions=2)
    candidate = build.candidate()
    application = build.application(need, candidate)
    stranger = build.manager()
    build.commit()
    return World(manager, establishment, need, candidate, application, stranger, candidate.user)


@pytest.fixture
def login(auth):
    def as_user(user):
        response = auth.login(user.email)
        assert response.status_code == 302
        assert user.role in (Role.ESTABLISHMENT, Role.CANDIDATE, Role.ARS, Role.ADMIN)
        return user
    return as_user
