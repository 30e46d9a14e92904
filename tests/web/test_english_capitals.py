"""English headings and buttons in sentence case, the same on every page: a capital for the
first word only ("Record the payment", not "Record The Payment" nor "record the payment"),
except names (Stripe, the Banque de France), months and acronyms (PDF, SEPA)."""

import re
from html.parser import HTMLParser

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import Channel, Message
from tests import every_page as every_page_module
from tests.every_email import send_every_email
from tests.every_page import (
    answers_to_empty_forms,
    every_page_in_every_state,
    other_states,
)
from tests.web import test_access

world = test_access.world  # the access test's fixture: a case of every kind, staff of every role
demo_app = every_page_module.demo_app  # the app with the demo outbox

# Where the portal names things; a heading, a table header, a button, a form's legend.
LABELLED = {"h1", "h2", "h3", "h4", "h5", "h6", "button", "legend", "th", "summary"}
# fmt: off
NAMES = {
    "Amiable", "Stripe", "Banque", "France", "French", "English", "Français", "Google",
    "Microsoft", "Authenticator", "Checkout", "CNIL", "I",
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    "January", "February", "March", "April", "June", "July", "August", "September", "October",
    "November", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}
# fmt: on
# A new sentence or label starts after these (e.g. "Proposed schedule · Every month").
# After a colon or a dash either case reads well ("Over-indebtedness: the Banque de France",
# "Reminder — case 7KQ-M4R-T9X", "Proposed schedule · Every month": a label after a label).
STARTS = re.compile(r"( [—·] |[.?!:] )")


class _Labels(HTMLParser):
    """The text of headings, buttons, legends, table headers and button-like links."""

    def __init__(self):
        super().__init__()
        self.open: list[list[str]] = []
        self.labels: list[tuple[str, str]] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "code" or values.get("translate") == "no" or values.get("lang") == "fr":
            self.skip += 1  # identifiers, and the "Français" button, are not English prose
            self.open.append(["skip", ""])
        elif tag in LABELLED or (tag == "a" and "button" in (values.get("class") or "")):
            self.open.append([tag, ""])
        if tag == "input" and values.get("type") == "submit":
            self.labels.append(("input", values.get("value") or ""))

    def handle_endtag(self, tag):
        if self.open and (self.open[-1][0] == tag or self.open[-1][0] == "skip"):
            kind, text = self.open.pop()
            if kind == "skip":
                self.skip -= 1
            else:
                self.labels.append((kind, " ".join(text.split())))

    def handle_data(self, data):
        if not self.skip:
            for item in self.open:
                item[1] += data


def labels_of(html: str) -> list[tuple[str, str]]:
    """(tag, text) of every label of the page."""
    parser = _Labels()
    parser.feed(html)
    return parser.labels


def capital_problems(label: str) -> list[str]:
    """Why `label` is not in sentence case (empty when it is)."""
    found = []
    pieces = STARTS.split(label)
    for after, part in zip([""] + pieces[1::2], pieces[::2], strict=True):
        words = re.findall(r"[^\s()\[\]/,;«»\"“”]+", part)
        letters = [w for w in words if re.match(r"[A-Za-z]", w)]
        if not letters:
            continue
        if words[0] is letters[0] and letters[0][0].islower() and after in ("", ". ", "? ", "! "):
            found.append(f"starts with a small letter: {letters[0]!r}")
        for word in letters[1:] if words[0] is letters[0] else letters:
            titled = re.fullmatch(r"[A-Z][a-z]+(-[A-Za-z]+)?'?s?", word)
            if titled and word.split("-")[0].rstrip("'s") not in NAMES and word not in NAMES:
                found.append(f"a capital inside: {word!r}")
    return found


def test_the_rule_sees_title_case_and_small_first_letters():
    assert capital_problems("Record The Payment") == [
        "a capital inside: 'The'",
        "a capital inside: 'Payment'",
    ]
    assert capital_problems("field") == ["starts with a small letter: 'field'"]
    assert capital_problems("Over-indebtedness: the Banque de France") == []
    assert capital_problems("Proposed schedule · Every month") == []
    assert capital_problems("Download the receipt (PDF)") == []
    assert capital_problems("Placement of 6 Dec 2026") == []


def test_every_label_in_english_is_in_sentence_case(demo_app, world):
    # A subject typed as data ("s") is not a label of the portal's.
    db.session.execute(update(Message).values(subject="Your reminder"))
    db.session.commit()
    found = set()
    pages = every_page_in_every_state(demo_app, world, other_states(world), "en")
    assert all(page.status == 200 for page in pages)
    for page in pages + answers_to_empty_forms(demo_app, world, "en"):  # with error messages
        for tag, text in labels_of(page.html):
            found |= {f"{page.rule}: <{tag}> {text!r}: {p}" for p in capital_problems(text)}
    assert not found, "\n".join(sorted(found))


def test_every_email_in_english_is_in_sentence_case(factories):
    send_every_email(factories, "en")
    rows = db.session.execute(select(Message).where(Message.channel == Channel.EMAIL)).scalars()
    found = set()
    for m in rows:
        assert m.language == "en"
        for tag, text in [("subject", m.subject), *labels_of(m.body_html or "")]:
            found |= {f"{m.template}: <{tag}> {text!r}: {p}" for p in capital_problems(text)}
    assert not found, "\n".join(sorted(found))
