"""The debtor's "Documents": everything sent about the case or needed later, and the PDFs."""

from flask import abort, g, make_response, render_template
from flask_babel import get_locale

from portal.debtor import bp, current_case
from portal.extensions import db
from portal.models import Channel, Message
from portal.security import debtor_required
from portal.services.cases.certificate import certificate_facts, certificate_pdf
from portal.services.cases.overview import load_case
from portal.services.mail import read
from portal.services.payments import receipts
from portal.services.plans import current as plans
from portal.services.reminders.letters import case_letters, letter_pdf


@bp.get("/documents")
@debtor_required
def documents():
    """Everything about the case: letters, e-mails, receipts, plans, the certificate."""
    case = current_case()
    return render_template(
        "debtor/documents.html",
        case=case,
        letters=case_letters(case.id),
        emails=read.case_emails(case.id),
        receipts=receipts.case_receipts(case.id),
        plans=plans.case_plans(case.id),
        certificate=certificate_facts(case.id),
    )


@bp.get("/documents/emails/<int:message_id>")
@debtor_required
def email(message_id: int):
    """One e-mail of the case, its text as sent, in a portal page (links still followable)."""
    found = read.case_email(g.case_id, message_id)
    if found is None:
        abort(404)
    case = load_case(g.case_id)
    g.preferred_language = case.debtor.language
    return render_template(
        "debtor/email_text.html", message=found, parts=read.text_with_links(found.body_text)
    )


@bp.get("/documents/<int:letter_id>.pdf")
@debtor_required
def letter(letter_id: int):
    """One letter as PDF; another case's letter does not exist here."""
    return letter_response(g.case_id, letter_id)


def letter_response(case_id: int, letter_id: int):
    """The PDF of a letter of this case, or 404."""
    found = db.session.get(Message, letter_id)
    if found is None or found.case_id != case_id or found.channel != Channel.LETTER:
        abort(404)
    case = load_case(case_id)
    response = make_response(letter_pdf(found, case))
    response.mimetype = "application/pdf"
    name = (found.headers or {}).get("letter_reference") or str(found.id)
    response.headers["Content-Disposition"] = f'attachment; filename="letter-{name}.pdf"'
    return response


@bp.get("/case/certificate.pdf")
@debtor_required
def certificate():
    """The certificate of payment in full, once nothing is owed; 404 before."""
    case = load_case(g.case_id)
    facts = certificate_facts(g.case_id) if case is not None else None
    if facts is None:
        abort(404)
    g.preferred_language = case.debtor.language
    response = make_response(certificate_pdf(case, facts, str(get_locale().language)))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{case.reference}.pdf"'
    )
    return response
