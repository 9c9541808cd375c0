"""Filters and validators every form shares: text as typed, cleaned of control
characters, and websites that must be http(s)."""

import re

from wtforms.validators import ValidationError

from ngo.sanitize import safe_web_url, strip_control_characters

# A web address typed without its scheme ("example.org/page"): https:// is added.
_BARE_DOMAIN = re.compile(
    r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,63}(?:[/?#]\S*)?$", re.IGNORECASE
)


def one_line(value):
    """A single-line field as typed, without control characters or stray spaces."""
    if value is None:
        return None
    return " ".join(strip_control_characters(value).split())


def multi_line(value):
    """A multi-line field as typed, with Unix newlines and no control characters."""
    if value is None:
        return None
    return strip_control_characters(value.replace("\r\n", "\n").replace("\r", "\n"))


def web_address(value):
    """A website as typed, with https:// put in front of a bare domain."""
    value = one_line(value)
    if value and _BARE_DOMAIN.match(value):
        return "https://" + value
    return value


def http_url(message: str):
    """A validator accepting only absolute http(s) addresses (or nothing)."""

    def check(form, field):
        """Refuse anything but an absolute http(s) address."""
        if field.data and safe_web_url(field.data) is None:
            raise ValidationError(message)

    return check
