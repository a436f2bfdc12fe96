"""Fixtures of the assessment's web tests."""
from datetime import datetime

import pytest

from service.identity.sessions import issue_token


@pytest.fixture
def clock(app, db, county):
    """Fix the console's and the API's clock (and give every user a token valid then)."""
    def set_to(moment: datetime) -> None:
        app.config["CONSOLE_NOW"] = moment
        for name, user in county.users.items():
            county.tokens[name] = issue_token(db, user, moment)[0]
        db.commit()
    yield set_to
    app.config.pop("CONSOLE_NOW", None)
