"""The reply form: the fields, limits and messages of WordPress's comment form.

Labels and messages are lazy translations (`_l`), written in the page's language
when the form is shown; in English they are the contract of DESIGN.md, word for word.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.fields import EmailField, URLField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ngo.extensions import db
from ngo.form_filters import http_url, one_line, web_address
from ngo.i18n import number
from ngo.models import Comment
from ngo.sanitize import clean_comment_html, plain_text, strip_control_characters

# WordPress's limits (wp_get_comment_fields_max_lengths).
COMMENT_MAX = 65_525
NAME_MAX = 245
EMAIL_MAX = 100
URL_MAX = 200
_http_url = http_url(
    # Translators: the error under the comment form's Website field; "Website" is
    # that field's label: write it as you translated the label.
    _l(
        "Enter a web address that starts with http:// or https://, or leave "
        "Website empty."
    )
)


def _count(value: int) -> LazyString:
    """A limit written in the page's language when its message is shown: 65,525."""
    return LazyString(number, value)


def _multiline(value):
    """A comment as typed, without control characters (newlines stay)."""
    if value is None:
        return None
    return strip_control_characters(value)


class CommentForm(FlaskForm):
    """Leave a Reply: a comment, name, email, optional website, remember-me.

    Field names are WordPress's (comment, author, email, url, comment_parent), so
    that spam tools meet the rules, not a 404. `subject` is the honeypot: hidden
    from people, and a name that browsers and password managers never autofill.
    """

    comment = TextAreaField(
        # Translators: the label of the comment form's text field (a noun: the
        # comment the reader writes).
        _l("Comment"),
        filters=[_multiline],
        validators=[
            DataRequired(_l("Enter your comment.")),
            Length(
                max=COMMENT_MAX,
                # Translators: %(max)s is a number written out ("65,525").
                message=_l(
                    "Your comment must be %(max)s characters or fewer.",
                    max=_count(COMMENT_MAX),
                ),
            ),
        ],
    )
    author = StringField(
        # Translators: the label of the comment form's field for the commenter's name.
        _l("Name"),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter your name.")),
            Length(
                max=NAME_MAX,
                message=_l(
                    "Your name must be %(max)s characters or fewer.",
                    max=_count(NAME_MAX),
                ),
            ),
        ],
    )
    email = EmailField(
        # Translators: the label of the comment form's email address field.
        _l("Email"),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(
                max=EMAIL_MAX,
                message=_l(
                    "Your email address must be %(max)s characters or fewer.",
                    max=_count(EMAIL_MAX),
                ),
            ),
            Email(
                # Translators: keep the example address as it is.
                _l(
                    "Enter an email address in the correct format, like "
                    "name@example.org."
                )
            ),
        ],
    )
    url = URLField(
        # Translators: the label of the comment form's optional field for the
        # commenter's own web site.
        _l("Website"),
        filters=[web_address],
        validators=[
            Optional(),
            Length(
                max=URL_MAX,
                message=_l(
                    "The web address must be %(max)s characters or fewer.",
                    max=_count(URL_MAX),
                ),
            ),
            _http_url,
        ],
    )
    remember = BooleanField(
        # Translators: the checkbox under the comment form (a cookie keeps them).
        _l(
            "Save my name, email, and website in this browser for the next time I "
            "comment."
        )
    )
    comment_parent = HiddenField(filters=[one_line])
    stamp = HiddenField()
    subject = StringField(filters=[one_line])

    def __init__(self, *args, statement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.statement = statement
        self.parent: Comment | None = None
        self.clean_body: Markup | None = None

    def clean(self) -> bool:
        """Clean the comment once, after every cheap check has passed; refuse it
        (False, with the message on the field) if nothing readable is left."""
        self.clean_body = clean_comment_html(self.comment.data)
        if plain_text(self.clean_body):
            return True
        self.comment.errors = [
            *self.comment.errors,
            # Translators: the comment held nothing but HTML tags the site removes.
            _(
                "Enter your comment as text: what you typed was only HTML that is "
                "not allowed here."
            ),
        ]
        return False

    def validate_comment_parent(self, field):
        """A reply must answer an approved comment of the same statement."""
        self.parent = None
        raw = field.data or ""
        if raw in ("", "0"):
            return
        parent = None
        if raw.isascii() and raw.isdigit() and len(raw) <= 18 and self.statement:
            parent = db.session.scalar(
                db.select(Comment).where(
                    Comment.id == int(raw),
                    Comment.statement_id == self.statement.id,
                    Comment.status == "approved",
                )
            )
        if parent is None:
            raise ValidationError(
                # Translators: the comment being answered was removed or held
                # while the reader wrote; "on its own": not as a reply.
                _(
                    "The comment you were replying to is not available any more. "
                    "Post again and your comment will appear on its own."
                )
            )
        self.parent = parent

    @property
    def email_normalised(self) -> str:
        """The email as moderators and the trusted-commenter rule compare it."""
        return (self.email.data or "").strip().lower()

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) of every error, in the order of the fields."""
        order = ["comment", "author", "email", "url", "comment_parent", "csrf_token"]
        anchors = {"comment_parent": "comment", "csrf_token": "comment"}
        found = []
        for name in order:
            field = self._fields.get(name)
            for message in getattr(field, "errors", None) or []:
                found.append((anchors.get(name, name), message))
        return found
