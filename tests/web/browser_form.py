"""What a browser without JavaScript would send from a page's form: its inputs as rendered
(checkboxes and radios only when checked, a textarea's text, a select's selected option) plus
the submit button pressed."""

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, action_ends: str):
        super().__init__(convert_charrefs=True)
        self.action_ends = action_ends
        self.inside = False
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._first_option: tuple[str, str] | None = None
        self._selected = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if (
            tag == "form"
            and not self.found
            and (a.get("action") or "").split("#")[0].endswith(self.action_ends)
        ):
            self.inside = self.found = True
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind == "submit":
                self.buttons.append((name, a.get("value") or ""))
            else:
                self.fields.append((name, a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "button" and name:
            self.buttons.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            self._first_option = self._first_option or (self._select, value)
            if "selected" in a and not self._selected:
                self.fields.append((self._select, value))
                self._selected = True

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._selected and self._first_option:
                self.fields.append(self._first_option)
            self._select = None
        elif tag == "form" and self.inside:
            self.inside = False


def submitted(html: str, action_ends: str, button: tuple[str, str] | None = None, **changes):
    """The form whose action ends with `action_ends`, as a browser would send it after the
    user changed `changes` (name → value, or a list of values) and pressed `button`."""
    parser = _Form(action_ends)
    parser.feed(html)
    assert parser.found, f"no form posting to …{action_ends}"
    if button is not None:
        assert button in parser.buttons, f"no button {button}: {parser.buttons}"
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = list(value) if isinstance(value, list | tuple) else [value]
    if button is not None:
        data.setdefault(button[0], []).append(button[1])
    return data


def enter_button(html: str, action_ends: str) -> tuple[str, str]:
    """The button a browser presses when Enter is typed in a field: the form's first."""
    parser = _Form(action_ends)
    parser.feed(html)
    assert parser.buttons, f"no submit button in the form posting to …{action_ends}"
    return parser.buttons[0]
