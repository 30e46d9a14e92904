"""French typography and no English left: the checks every French page and e-mail must pass.

A narrow no-break space (U+202F) or a no-break space (U+00A0) before : ; ! ? and inside « »,
no € on a line of its own (nor before its amount, the English way), and none of the common
English words a forgotten translation leaves behind.
"""

import functools
import html as html_lib
import re

from babel.messages.pofile import read_po

from portal.config import ROOT

# Words that are English and not French; a page in French that shows one forgot a translation.
ENGLISH_WORDS = (
    "the|your|you|and|with|please|payment|payments|online|amount|pay|due on|instalment|"
    "instalments|back to|of|for|from|this|that|is|are|was|were|has|have|will|which|what|"
    "when|there|their|here|yes|none|save|search|submit|cancel|received|paid|settings|users|"
    "creditor|creditors|debtor|debtors|reminder|reminders|balance|week|weeks|month|months|"
    "day|days|new|edit|add|remove|download|upload|letter|letters|sent|failed|succeeded|"
    "pending|refund|refunded|queue|assigned|call back|sign in|log in|log out|password|"
    "email|e-mail address|dashboard|open|closed|by|"
    "to|at|on hold|overdue|next|previous|show|hide|all|any|each|every|only|not|"
    "should|must|can|may|could|would|why|how|who"
)
ENGLISH = re.compile(rf"\b({ENGLISH_WORDS})\b", re.IGNORECASE)
SPACES = "\u202f\u00a0"
RULES = [
    (rf"(?<![{SPACES}])[:;!?](?!//)", "no (narrow) no-break space before"),
    (rf"«(?![{SPACES}])|(?<![{SPACES}])»", "no (narrow) no-break space inside « »"),
    # Markup between an amount and its € (\x1f) does not stop a plain space from wrapping.
    (
        r"\d\x1f*[ \t\n]+\x1f*€|€[ \t\n]?\d",
        "an amount whose € may wrap (or English format)",
    ),
]


def visible_text(page: str) -> str:
    """The text a reader sees: no tags, scripts, URLs, code, nor what is marked lang="en" (the
    "English" language button) or translate="no"."""
    page = re.sub(r"<(script|style|title)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<(\w+)[^>]*\blang="en"[^>]*>.*?</\1>', " ", page, flags=re.S)
    # Identifiers (a CSV column, an audit action) are code, the same in every language.
    page = re.sub(r'<(code|\w+(?=[^>]*\btranslate="no"))\b[^>]*>.*?</\1>', " ", page, flags=re.S)
    # A tag becomes a separator that is neither a space nor a word (cells stay apart).
    page = html_lib.unescape(re.sub(r"<[^>]+>", "\x1f", page))
    return re.sub(r"(https?://|mailto:|tel:)\S+", " ", page)


def _context(text: str, match: re.Match) -> str:
    start = max(match.start() - 30, 0)
    return repr(text[start : match.end() + 15])


@functools.cache
def english_only() -> frozenset[str]:
    """The portal's English texts whose French differs (a cell or a button showing one in a
    French page was not translated), but those that are names, codes or numbers."""
    with open(f"{ROOT}/translations/fr/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    return frozenset(
        m.id
        for m in catalog
        if isinstance(m.id, str) and m.id and m.string and m.string != m.id and "%(" not in m.id
    )


def problems(text: str) -> list[str]:
    """Every breach of French typography (or English word) in `text`, with its context."""
    found = [
        f"untranslated: {piece!r}"
        for piece in (" ".join(p.split()) for p in text.split("\x1f"))
        if piece in english_only()
    ]
    cleaned = re.sub(r"\d:\d\d", "", text)  # times (10:00) and references are not prose
    for pattern, why in RULES:
        found += [f"{why}: …{_context(cleaned, m)}" for m in re.finditer(pattern, cleaned)]
    found += [f"English: …{_context(text, m)}" for m in ENGLISH.finditer(text)]
    return found


def email_problems(subject: str, text: str, html: str | None) -> list[str]:
    """The problems of an e-mail's subject, text part and html part, each part named."""
    found = [f"subject: {p}" for p in problems(subject)]
    found += [f"text: {p}" for p in problems(re.sub(r"https?://\S+", "", text))]
    found += [f"html: {p}" for p in problems(visible_text(html or ""))]
    return found
