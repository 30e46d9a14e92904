"""A realistic small page: one indexed lookup and a ~5 KB Jinja template.

`gunicorn bench.apps.lookup:app` with DATABASE_URL set; GET /case/<reference> finds the case by
its unique reference (one query on the unique index, through Flask-SQLAlchemy's session, as a
typical Flask app does it) and renders templates/lookup.html. It maps its own minimal `cases`
class so that changes to the portal's code never move this yardstick.
"""

import datetime as dt
import os

from flask import Flask, abort, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """This app's own declarative base."""


db = SQLAlchemy(model_class=Base)


class Case(db.Model):
    """The columns of `cases` this page shows."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    status: Mapped[str] = mapped_column(String(32))
    external_reference: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


def _url(raw: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw.removeprefix(prefix)
    return raw


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = _url(os.environ["DATABASE_URL"])
db.init_app(app)


@app.get("/")
def ready():
    """Readiness probe (no database)."""
    return "ok"


@app.get("/case/<reference>")
def case(reference: str):
    """One indexed lookup, one template."""
    found = db.session.execute(select(Case).where(Case.reference == reference)).scalar_one_or_none()
    if found is None:
        abort(404)
    return render_template("lookup.html", case=found)
