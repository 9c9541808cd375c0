"""Reading preferences: the fixed vocabulary, the cookie codec and the contrast maths.

Everything a reader can choose is listed here once; the cookie, the forms, the
templates and the tests all read these tables. A cookie value is trusted only
after `decode()` has matched every part of it against them, so nothing a client
sends can reach the page except values from these tables and `#rrggbb` colours.

Labels are lazy translations (`_l`): each is written in the page's language when
a page or a message uses it, never at import. The values, not the labels, are
what anything compares or keys on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from babel.numbers import format_percent, get_decimal_symbol
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

COOKIE_NAME = "ngo_a11y"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# The longest valid value is about 90 characters; anything much longer is not ours.
MAX_COOKIE_LENGTH = 200
HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
# Colours of the site's default (light) look, used for contrast and partner choice.
DEFAULT_BG = "#ffffff"
DEFAULT_FG = "#1a1a1a"
BLACK = "#000000"
WHITE = "#ffffff"


@dataclass(frozen=True)
class Option:
    """One choice in a group: its cookie value, visible label and spoken detail
    (lazy translations, or a name that every language writes the same)."""

    value: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class Scheme:
    """A colour scheme: text on background, plus the colours derived from them."""

    value: str
    label: str
    bg: str
    fg: str
    link: str
    visited: str
    surface: str
    focus: str
    dark: bool

    @property
    def contrast(self) -> float:
        """The contrast ratio of the scheme's text on its background."""
        return contrast_ratio(self.fg, self.bg)


# Translators: the letter on each of the three text-size buttons of the
# accessibility toolbar, drawn small, medium and large ("A A A"): the first letter
# of your alphabet (Ա, А).
SIZE_LETTER = _l("A")
SIZES = (
    # Translators: read by screen readers after the letter of the smallest
    # text-size button.
    Option("100", SIZE_LETTER, _l("%(size)d%%, normal text size", size=100)),
    # Translators: read by screen readers after the letter of the larger
    # text-size buttons (150 and 200).
    Option("150", SIZE_LETTER, _l("%(size)d%% of normal text size", size=150)),
    Option("200", SIZE_LETTER, _l("%(size)d%% of normal text size", size=200)),
)
# Font names and spacings in px are written the same in every language.
FONTS = (
    Option("arial", "Arial"),
    Option("verdana", "Verdana"),
    Option("tahoma", "Tahoma"),
)
WEIGHTS = (
    # Translators: a thickness of the text (font weight), a button of the
    # accessibility toolbar's "Thickness" group: regular (normal) strokes.
    Option("regular", _l("Regular")),
    # Translators: a thickness of the text (font weight): thin strokes. Not the
    # colour: the opposite of Bold.
    Option("light", _l("Light")),
    # Translators: a thickness of the text (font weight): thick strokes.
    Option("bold", _l("Bold")),
)
SPACINGS = (
    Option("1", "1px", "0.0625em"),
    Option("2", "2px", "0.125em"),
    Option("3", "3px", "0.1875em"),
)
# Every scheme reaches at least 7:1 (WCAG 1.4.6) for text and links, on the page
# background and on the toolbar's surface; tests/test_accessibility.py checks it,
# and that site.css carries exactly these colours.
SCHEMES = (
    Scheme(
        "bw",
        # Translators: a colour scheme of the accessibility toolbar: the colour
        # of the text, then of the background.
        _l("Black on white"),
        "#ffffff",
        "#000000",
        "#00307a",
        "#4b1a7a",
        "#f0f0f0",
        "#000000",
        False,
    ),
    Scheme(
        "wb",
        _l("White on black"),
        "#000000",
        "#ffffff",
        "#9cd3ff",
        "#e2c2ff",
        "#1a1a1a",
        "#ffff00",
        True,
    ),
    Scheme(
        "yb",
        _l("Yellow on black"),
        "#000000",
        "#ffff00",
        "#8fd9ff",
        "#ffc9f0",
        "#1a1a1a",
        "#ffffff",
        True,
    ),
    Scheme(
        "blue",
        _l("Dark blue on light blue"),
        "#9dd1ff",
        "#063462",
        "#00205a",
        "#3d0a5c",
        "#b9ddff",
        "#000000",
        False,
    ),
    Scheme(
        "beige",
        _l("Brown on beige"),
        "#f7f3d6",
        "#4d4b43",
        "#1f3a70",
        "#5a1f5a",
        "#fffbe6",
        "#000000",
        False,
    ),
    Scheme(
        "green",
        _l("Green on dark brown"),
        "#3b2716",
        "#a9e44d",
        "#ffe58a",
        "#f3c9ff",
        "#2e1e10",
        "#ffffff",
        True,
    ),
)
BACKGROUND_SWATCHES = (
    # Translators: names of the colours a reader can choose for the background
    # or the text ("Background color: Beige."); each stands alone on its button.
    Option("#ffffff", _l("White")),
    Option("#f7f3d6", _l("Beige")),
    Option("#9dd1ff", _l("Light blue")),
    Option("#000000", _l("Black")),
    Option("#063462", _l("Dark blue")),
    Option("#3b2716", _l("Dark brown")),
)
TEXT_SWATCHES = (
    Option("#000000", _l("Black")),
    Option("#ffffff", _l("White")),
    Option("#ffff00", _l("Yellow")),
    Option("#063462", _l("Dark blue")),
    Option("#4d4b43", _l("Brown")),
    Option("#a9e44d", _l("Green")),
)

SIZE_VALUES = frozenset(o.value for o in SIZES)
FONT_VALUES = frozenset(o.value for o in FONTS)
WEIGHT_VALUES = frozenset(o.value for o in WEIGHTS)
SPACING_VALUES = frozenset(o.value for o in SPACINGS)
SCHEME_VALUES = frozenset(s.value for s in SCHEMES)
SCHEMES_BY_VALUE = {s.value: s for s in SCHEMES}
TOOLBAR_VALUES = frozenset({"open", "closed"})
PICKED_VALUES = frozenset({"bg", "fg", "both"})
# The names of the toolbar's groups (their legends), lazy: keys are what code uses.
GROUP_LABELS = {
    # Translators: the names of the groups of the accessibility toolbar and the
    # settings page: the size of the text.
    "size": _l("Font size"),
    # Translators: the typeface of the text (Arial, Verdana, Tahoma).
    "font": _l("Font"),
    # Translators: how thick the strokes of the letters are (Regular, Light, Bold).
    "weight": _l("Thickness"),
    # Translators: the space between letters and words (1px, 2px, 3px).
    "spacing": _l("Spacing"),
    "scheme": _l("Color scheme"),
    "bg": _l("Background color"),
    "fg": _l("Text color"),
}
_COLOR_NAMES = {o.value: o.label for o in BACKGROUND_SWATCHES + TEXT_SWATCHES}


def is_hex_color(value: object) -> bool:
    """True for exactly `#rrggbb`, the only colour syntax that reaches a page."""
    return isinstance(value, str) and HEX_COLOR.fullmatch(value) is not None


def color_name(value: str) -> str:
    """A colour's swatch name, or its hex code when it has none."""
    return _COLOR_NAMES.get(value, value)


def relative_luminance(color: str) -> float:
    """WCAG relative luminance of an `#rrggbb` colour (sRGB linearised)."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours, from 1 to 21."""
    lighter, darker = sorted(
        (relative_luminance(first), relative_luminance(second)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def format_ratio(ratio: float, language: str | None = None) -> str:
    """A ratio for people, truncated (never rounded up past a threshold): "4.49:1",
    with the decimal sign of `language` (the page's by default): "4,49:1"."""
    text = f"{int(ratio * 100) / 100:.2f}".rstrip("0").rstrip(".") + ":1"
    return text.replace(".", get_decimal_symbol(language or _language()))


def _language() -> str:
    """The page's language; English outside a request (the source language)."""
    return str(get_locale() or "en")


def readable_partner(color: str, current: str) -> str:
    """A text or background colour to pair with `color`: the current one while it
    stays readable (7:1), else black or white, whichever contrasts more."""
    if is_hex_color(current) and contrast_ratio(color, current) >= 7:
        return current
    return max((BLACK, WHITE), key=lambda c: contrast_ratio(color, c))


@dataclass(frozen=True)
class Preferences:
    """One reader's choices; the defaults are the site's own look."""

    size: str = "100"
    font: str = ""  # "" is the site's own font stack
    weight: str = "regular"
    spacing: str = ""  # "" is the font's normal spacing
    scheme: str = ""  # "" follows the system (light, dark, more contrast)
    bg: str = ""  # a custom pair: both colours set, or neither
    fg: str = ""
    picked: str = ""  # which colours of the pair the reader chose: bg, fg or both
    # Collapsed until the reader opens it. Old cookies decode unchanged: "tb:closed"
    # is still read, and one without "tb" now means the new default.
    toolbar: str = "closed"

    # -- the cookie ---------------------------------------------------------

    _KEYS = (
        ("fs", "size"),
        ("ff", "font"),
        ("fw", "weight"),
        ("ls", "spacing"),
        ("cs", "scheme"),
        ("bg", "bg"),
        ("fg", "fg"),
        ("pk", "picked"),
        ("tb", "toolbar"),
    )

    def encode(self) -> str:
        """The cookie value: what differs from the defaults, e.g. `fs:150|cs:wb`."""
        default = Preferences()
        parts = []
        for key, field in self._KEYS:
            value = getattr(self, field)
            if value != getattr(default, field):
                parts.append(f"{key}:{value.removeprefix('#')}")
        return "|".join(parts)

    @classmethod
    def decode(cls, raw: str | None) -> Preferences:
        """Read a cookie value, keeping only the parts that are valid; never raises."""
        if not raw or len(raw) > MAX_COOKIE_LENGTH:
            return cls()
        fields = dict(cls._KEYS)
        found: dict[str, str] = {}
        for part in raw.split("|"):
            key, sep, value = part.partition(":")
            field = fields.get(key)
            if not sep or field is None or field in found:
                continue
            if field in ("bg", "fg"):
                value = "#" + value
            if _valid(field, value):
                found[field] = value.lower() if field in ("bg", "fg") else value
        return cls._consistent(cls(**found))

    @classmethod
    def _consistent(cls, prefs: Preferences) -> Preferences:
        """Colours only as a pair (WCAG F24), and a pair replaces the scheme."""
        if not (prefs.bg and prefs.fg):
            return replace(prefs, bg="", fg="", picked="")
        return replace(prefs, scheme="", picked=prefs.picked or "both")

    # -- what the page needs ------------------------------------------------

    @property
    def custom(self) -> bool:
        """True when the reader chose their own background and text colours."""
        return bool(self.bg and self.fg)

    @property
    def html_class(self) -> str:
        """The classes on `<html>` that site.css turns into the chosen look."""
        classes = []
        if self.size != "100":
            classes.append(f"a11y-size-{self.size}")
        if self.font:
            classes.append(f"a11y-font-{self.font}")
        if self.weight != "regular":
            classes.append(f"a11y-weight-{self.weight}")
        if self.spacing:
            classes.append(f"a11y-spacing-{self.spacing}")
        if self.scheme:
            classes.append(f"a11y-scheme-{self.scheme}")
        if self.custom:
            classes.append("a11y-custom")
        return " ".join(classes)

    @property
    def custom_css(self) -> str:
        """The rule for a custom pair (for a nonce'd `<style>`); empty without one.

        Built only from colours that passed `is_hex_color`, so it cannot carry
        anything but `#rrggbb` into the page."""
        if not (self.custom and is_hex_color(self.bg) and is_hex_color(self.fg)):
            return ""
        scheme = (
            "dark"
            if relative_luminance(self.bg) < relative_luminance(self.fg)
            else "light"
        )
        return (
            f"html.a11y-custom{{--bg:{self.bg};--fg:{self.fg};color-scheme:{scheme}}}"
        )

    @property
    def colors(self) -> tuple[str, str]:
        """The (background, text) pair in force, the default light look included."""
        if self.custom:
            return self.bg, self.fg
        if self.scheme:
            s = SCHEMES_BY_VALUE[self.scheme]
            return s.bg, s.fg
        return DEFAULT_BG, DEFAULT_FG

    @property
    def contrast(self) -> float:
        """The contrast ratio of the pair in force."""
        bg, fg = self.colors
        return contrast_ratio(fg, bg)

    @property
    def low_contrast(self) -> bool:
        """True below 4.5:1, where WCAG 1.4.3 would fail for normal text."""
        return self.contrast < 4.5

    def pressed(self, group: str) -> str:
        """The value of the option shown as pressed in a group ("" for none)."""
        if group in ("bg", "fg"):
            return getattr(self, group) if self.custom else ""
        return getattr(self, group)

    def state(self) -> dict:
        """What the script needs to restyle the page in place."""
        return {
            "htmlClass": self.html_class,
            "custom": {"bg": self.bg, "fg": self.fg} if self.custom else None,
            "colorScheme": (
                (
                    "dark"
                    if relative_luminance(self.bg) < relative_luminance(self.fg)
                    else "light"
                )
                if self.custom
                else ""
            ),
            "pressed": {group: self.pressed(group) for group in GROUP_LABELS},
            "colors": {"bg": self.colors[0], "fg": self.colors[1]},
            "toolbar": self.toolbar,
            "contrast": format_ratio(self.contrast),
            "lowContrast": self.low_contrast,
        }

    # -- changes --------------------------------------------------------------

    def with_choice(self, group: str, value: str) -> Preferences:
        """These preferences after one valid choice (see `_valid`)."""
        if group == "reset":
            # Reset is pressed inside the open toolbar: the toolbar stays as it is.
            return Preferences(toolbar=self.toolbar)
        if group == "scheme":
            return replace(self, scheme=value, bg="", fg="", picked="")
        if group in ("bg", "fg"):
            return self._with_color(group, value.lower())
        return replace(self, **{group: value})

    def _with_color(self, group: str, color: str) -> Preferences:
        """Set one colour of the pair, choosing a readable partner unless the
        reader already chose the other one too."""
        other = "fg" if group == "bg" else "bg"
        current_bg, current_fg = self.colors
        current_other = current_fg if other == "fg" else current_bg
        if self.custom and self.picked in (other, "both"):
            partner, picked = getattr(self, other), "both"
        else:
            partner, picked = readable_partner(color, current_other), group
        return replace(self, scheme="", picked=picked, **{group: color, other: partner})

    def describe(self, group: str) -> str:
        """The sentence announced after a change, e.g. "Font size: 150%.", in the
        page's language."""
        if group == "reset":
            # Translators: announced by screen readers after Reset was pressed.
            return _("All accessibility settings are back to the defaults.")
        if group == "toolbar":
            if self.toolbar == "open":
                # Translators: announced when the accessibility toolbar opens.
                return _("Accessibility options shown.")
            # Translators: announced when the accessibility toolbar closes.
            return _("Accessibility options hidden.")
        if group in ("bg", "fg"):
            # Translators: announced after a background or text colour was chosen;
            # the colours are names ("Beige") or codes ("#1a4d8f"), the contrast
            # a ratio ("7.5:1").
            message = _(
                "Background color: %(background)s. Text color: %(text)s. "
                "Contrast %(contrast)s.",
                background=color_name(self.bg),
                text=color_name(self.fg),
                contrast=format_ratio(self.contrast),
            )
            if self.low_contrast:
                # Translators: added after the sentence above when the chosen
                # colours are hard to tell apart (WCAG's minimum is 4.5:1).
                message += " " + _("This is below 4.5:1 and may be hard to read.")
            return message
        value = getattr(self, group)
        if group == "size":
            choice = format_percent(int(value) / 100, locale=_language())
        elif group == "scheme":
            choice = SCHEMES_BY_VALUE[value].label
        else:
            options = {"font": FONTS, "weight": WEIGHTS, "spacing": SPACINGS}[group]
            choice = next(o.label for o in options if o.value == value)
        # Translators: announced after a choice in the accessibility toolbar: the
        # group's name, then the option chosen ("Font size: 150%.", "Font: Arial.").
        return _("%(group)s: %(choice)s.", group=GROUP_LABELS[group], choice=choice)


_ALLOWED = {
    "size": SIZE_VALUES,
    "font": FONT_VALUES,
    "weight": WEIGHT_VALUES,
    "spacing": SPACING_VALUES,
    "scheme": SCHEME_VALUES,
    "picked": PICKED_VALUES,
    "toolbar": TOOLBAR_VALUES,
}


def _valid(field: str, value: str) -> bool:
    """True when a value belongs to the field's fixed set (or is `#rrggbb`)."""
    if field in ("bg", "fg"):
        return is_hex_color(value)
    return value in _ALLOWED.get(field, ())
