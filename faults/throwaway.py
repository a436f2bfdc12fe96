"""The throw-away service a fault script runs against: its command line (a database URL and
`--quick`), the application on that database or on SQLite in a temporary folder, the schema
migrated, and a refusal to touch a database that already holds users."""
import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from models import User


def arguments(doc: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="a throw-away database, emptied first (default: SQLite in a temporary folder)")
    parser.add_argument("--quick", action="store_true", help="the bounded form the test suite runs")
    return parser.parse_args()


@contextmanager
def throwaway_app(database_url: str | None, name: str, **config) -> Iterator[tuple[Flask, Path]]:
    """The application and its temporary folder (attachments, ledger uploads, the SQLite file
    when no `database_url` is given); `name` names the file, the secret and the refusal."""
    from app import create_app
    from service.core.migrate import upgrade
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{folder}/{name}.db"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": f"{name}-secret", "TESTING": True,
                          "ATTACHMENTS_DIR": f"{folder}/attachments", "LEDGER_UPLOADS_DIR": f"{folder}/uploads",
                          "LOG_LEVEL": "WARNING", **config})
        engine = app.extensions["ys"]["engine"]
        upgrade(engine)
        with engine.connect() as conn:
            if conn.execute(select(User.id).limit(1)).first() is not None:
                raise SystemExit(f"the database holds data: give the {name} a throw-away one")
        try:
            yield app, Path(folder)
        finally:
            engine.dispose()
