"""The preferences form: every toolbar and settings-page button posts through it."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, Optional, ValidationError

from ngo.accessibility import preferences as p

COLOR_MESSAGE = "Enter a colour as # and six hexadecimal digits, for example #1a4d8f."
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


def _one_of(values, what):
    """A validator that accepts an empty field or one of the fixed values."""
    return [
        Optional(),
        AnyOf(sorted(values), message=f"That is not a {what} this site offers."),
    ]


def _hex_color(form, field):
    """Accept `#rrggbb` only (what a native colour input sends)."""
    if field.data and not p.is_hex_color(field.data.strip()):
        raise ValidationError(COLOR_MESSAGE)


class PreferencesForm(FlaskForm):
    """A choice (the pressed button's name and value) and the path to return to."""

    size = StringField(validators=_one_of(p.SIZE_VALUES, "text size"))
    font = StringField(validators=_one_of(p.FONT_VALUES, "font"))
    weight = StringField(validators=_one_of(p.WEIGHT_VALUES, "thickness"))
    spacing = StringField(validators=_one_of(p.SPACING_VALUES, "spacing"))
    scheme = StringField(validators=_one_of(p.SCHEME_VALUES, "color scheme"))
    bg = StringField(validators=[Optional(), _hex_color])
    fg = StringField(validators=[Optional(), _hex_color])
    # The native colour inputs; used only when their own Apply button is pressed.
    apply = StringField(validators=_one_of({"bg", "fg"}, "colour"))
    bg_custom = StringField("Custom background color")
    fg_custom = StringField("Custom text color")
    reset = StringField(validators=[Optional()])
    toolbar = StringField(validators=_one_of(p.TOOLBAR_VALUES, "toolbar state"))
    next = HiddenField()
    place = HiddenField(validators=_one_of({"toolbar", "settings"}, "place"))

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
