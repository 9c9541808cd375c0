"""The preferences form: every toolbar and settings-page button posts through it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, Optional, ValidationError

from ngo.accessibility import preferences as p

# Translators: the error under the accessibility page's custom colour field; "#"
# and the code stay as they are (a browser's colour picker sends that form).
COLOR_MESSAGE = _l(
    "Enter a colour as # and six hexadecimal digits, for example #1a4d8f."
)
# The order in which submitted choices are applied; a button sends one of them.
CHOICE_FIELDS = (
    "reset",
    "toolbar",
    "size",
    "font",
    "weight",
    "spacing",
    "scheme",
    "bg",
    "fg",
)


def _one_of(values, message):
    """A validator that accepts an empty field or one of the fixed values."""
    return [Optional(), AnyOf(sorted(values), message=message)]


def _hex_color(form, field):
    """Accept `#rrggbb` only (what a native colour input sends)."""
    if field.data and not p.is_hex_color(field.data.strip()):
        raise ValidationError(COLOR_MESSAGE)


class PreferencesForm(FlaskForm):
    """A choice (the pressed button's name and value) and the path to return to."""

    # Translators: errors for a choice the buttons never send (an old bookmark or
    # a hand-made request), listed on the accessibility page.
    size = StringField(
        validators=_one_of(
            p.SIZE_VALUES, _l("That is not a text size this site offers.")
        )
    )
    font = StringField(
        validators=_one_of(p.FONT_VALUES, _l("That is not a font this site offers."))
    )
    weight = StringField(
        validators=_one_of(
            p.WEIGHT_VALUES, _l("That is not a thickness this site offers.")
        )
    )
    spacing = StringField(
        validators=_one_of(
            p.SPACING_VALUES, _l("That is not a spacing this site offers.")
        )
    )
    scheme = StringField(
        validators=_one_of(
            p.SCHEME_VALUES, _l("That is not a color scheme this site offers.")
        )
    )
    bg = StringField(validators=[Optional(), _hex_color])
    fg = StringField(validators=[Optional(), _hex_color])
    # The native colour inputs; used only when their own Apply button is pressed.
    apply = StringField(
        validators=_one_of({"bg", "fg"}, _l("That is not a colour this site offers."))
    )
    # Translators: the names of the accessibility page's colour pickers, before
    # their errors in the list of what went wrong ("Custom text color: Enter …").
    bg_custom = StringField(_l("Custom background color"))
    fg_custom = StringField(_l("Custom text color"))
    reset = StringField(validators=[Optional()])
    toolbar = StringField(
        validators=_one_of(
            p.TOOLBAR_VALUES, _l("That is not a toolbar state this site offers.")
        )
    )
    next = HiddenField()
    # Translators: an error for a hand-made request: "place" is which form of
    # the page (the toolbar or the accessibility page) sent the choice.
    place = HiddenField(
        validators=_one_of(
            {"toolbar", "settings"}, _l("That is not a place this site offers.")
        )
    )

    def validate_bg_custom(self, field):
        """Check the custom background only when it is being applied."""
        if self.apply.data == "bg":
            _require_color(field)

    def validate_fg_custom(self, field):
        """Check the custom text colour only when it is being applied."""
        if self.apply.data == "fg":
            _require_color(field)

    def choices(self) -> list[tuple[str, str]]:
        """The (group, value) changes this submit asks for, in a fixed order."""
        found = []
        for name in CHOICE_FIELDS:
            data = (self[name].data or "").strip()
            if data:
                found.append((name, data))
        if self.apply.data in ("bg", "fg"):
            found.append(
                (self.apply.data, self[f"{self.apply.data}_custom"].data.strip())
            )
        return found


def _require_color(field):
    """A colour input that is applied must hold `#rrggbb`."""
    if not p.is_hex_color((field.data or "").strip()):
        raise ValidationError(COLOR_MESSAGE)
