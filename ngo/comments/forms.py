"""The reply form: the fields, limits and messages of WordPress's comment form."""

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.fields import EmailField, URLField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ngo.extensions import db
from ngo.form_filters import http_url, one_line, web_address
from ngo.models import Comment
from ngo.sanitize import clean_comment_html, plain_text, strip_control_characters

# WordPress's limits (wp_get_comment_fields_max_lengths).
COMMENT_MAX = 65_525
NAME_MAX = 245
EMAIL_MAX = 100
URL_MAX = 200
_http_url = http_url(
    "Enter a web address that starts with http:// or https://, or leave Website empty."
)


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
        "Comment",
        filters=[_multiline],
        validators=[
            DataRequired("Enter your comment."),
            Length(
                max=COMMENT_MAX,
                message=f"Your comment must be {COMMENT_MAX:,} characters or fewer.",
            ),
        ],
    )
    author = StringField(
        "Name",
        filters=[one_line],
        validators=[
            DataRequired("Enter your name."),
            Length(
                max=NAME_MAX,
                message=f"Your name must be {NAME_MAX} characters or fewer.",
            ),
        ],
    )
    email = EmailField(
        "Email",
        filters=[one_line],
        validators=[
            DataRequired("Enter your email address."),
            Length(
                max=EMAIL_MAX,
                message=f"Your email address must be {EMAIL_MAX} characters or fewer.",
            ),
            Email(
                "Enter an email address in the correct format, like name@example.org."
            ),
        ],
    )
    url = URLField(
        "Website",
        filters=[web_address],
        validators=[
            Optional(),
            Length(
                max=URL_MAX,
                message=f"The web address must be {URL_MAX} characters or fewer.",
            ),
            _http_url,
        ],
    )
    remember = BooleanField(
        "Save my name, email, and website in this browser for the next time I comment."
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
            "Enter your comment as text: what you typed was only HTML that is "
            "not allowed here.",
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
                "The comment you were replying to is not available any more. Post "
                "again and your comment will appear on its own."
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
