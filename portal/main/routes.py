"""Health check, language switch, and the pages every visitor may read: rights, privacy,
legal notice, help when struggling to pay."""

from flask import current_app, redirect, render_template, request, session
from sqlalchemy import text

from portal.extensions import db
from portal.legal import L111_8_AL2_AL3
from portal.main import bp
from portal.models import Debtor
from portal.security import current_debtor_case_id, public, safe_next
from portal.services.cases.overview import load_case, the_agency


@bp.get("/healthz")
@public
def healthz():
    """Report whether the database answers: 200 when it does, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means unreachable
        db.session.rollback()
        current_app.logger.exception("health check: database unreachable")
        return {"status": "degraded", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.post("/language")
@public
def language():
    """Remember the chosen language (and on the debtor's record, for e-mails)."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        case_id = current_debtor_case_id()
        if case_id is not None:
            case = load_case(case_id)
            if case is not None:
                db.session.get(Debtor, case.debtor_id).language = lang
                db.session.commit()
    return redirect(safe_next(request.form.get("next"), "/"), code=303)


@bp.get("/rights")
@public
def rights():
    """Your rights: the amicable stage, collection costs, and the text of CPCE L111-8."""
    return render_template("main/rights.html", statute=L111_8_AL2_AL3)


@bp.get("/privacy")
@public
def privacy():
    """The privacy notice: data held, purposes, legal basis, retention, rights, the CNIL."""
    return render_template("main/privacy.html", agency=the_agency())


@bp.get("/legal-notice")
@public
def legal_notice():
    """The agency's legal notice (publisher, host, regulated activity)."""
    return render_template("main/legal_notice.html", agency=the_agency())


@bp.get("/help")
@public
def struggling():
    """Struggling to pay: who helps (Banque de France, social services, budget advice)."""
    return render_template("main/help.html", agency=the_agency())
