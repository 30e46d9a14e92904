"""Amiable: the application factory."""

import os
import sys
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from portal import cli, db_liveness, errors, i18n, security
from portal.config import ROOT, from_environment
from portal.extensions import babel, csrf, db, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: config -> extensions -> payments -> blueprints -> errors -> cli -> jinja."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    register_config(app, test_config)
    security.bound_integers(app)
    register_extensions(app)
    register_payments(app)
    app.url_map.converters["int"] = BoundedInt  # before any rule uses it
    register_blueprints(app)
    errors.register(app)
    cli.register(app)
    i18n.register_jinja(app)
    security.register(app)
    return app


class BoundedInt(IntegerConverter):
    """`<int:…>` ids fit a BIGINT: a larger number is a 404, never a database error."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**63 - 1, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_config(app: Flask, test_config: dict | None) -> None:
    """Read the environment, then apply the test overrides."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if test_config:
        env.setdefault("PORTAL_ENV", "test")
        env.update({k: str(v) for k, v in test_config.items() if k in ("DATABASE_URL",)})
    app.config.from_mapping(
        from_environment(app.instance_path, env, require_secret=not _schema_command())
    )
    if test_config:
        app.config.update({k: v for k, v in test_config.items() if k != "DATABASE_URL"})


def _schema_command() -> bool:
    """True when this process runs `flask db …`: migrations need no secret key, serving does."""
    return Path(sys.argv[0]).name in ("flask", "__main__.py") and sys.argv[1:].count("db") == 1


def register_extensions(app: Flask) -> None:
    """Bind the extension singletons."""
    db.init_app(app)
    with app.app_context():
        db_liveness.watch(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=None)
    csrf.init_app(app)


def register_payments(app: Flask) -> None:
    """Read the STRIPE_* settings (refusing a live key with the double)."""
    from portal.gateway import settings
    from portal.services.payments.checkout import case_payments

    settings.configure(app)
    app.add_template_global(case_payments)  # the staff case page lists a case's payments


def register_blueprints(app: Flask) -> None:
    """One blueprint per audience."""
    from portal import admin, api, collector, creditor, debtor, main, staff, webhooks

    for module in (main, debtor, staff, collector, creditor, admin, webhooks, api):
        app.register_blueprint(module.bp)
    if app.config.get("DEMO_OUTBOX"):  # PORTAL_ENV=demo: never in production
        from portal import demo

        app.register_blueprint(demo.bp)
