"""Admin forms: sign-in, statements, categories, organisations, users, moderation."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import DateField, EmailField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

try:
    from wtforms.fields.choices import SelectChoice as choice
except ImportError:  # WTForms before 3.3 takes (value, label) tuples

    def choice(value, label, render_kw=None):
        """One option of a select field, as older WTForms takes it."""
        return (value, label, render_kw) if render_kw else (value, label)


from ngo.authoring import category_clash, impossible_date, organisation_called
from ngo.extensions import db
from ngo.form_filters import http_url as http_url_validator
from ngo.form_filters import multi_line, one_line, web_address
from ngo.i18n import LANGUAGES, NAMES, current_language
from ngo.importer import LANGUAGE, SLUG, make_slug
from ngo.models import (
    ROLES,
    STATUSES,
    Category,
    Organisation,
    Page,
    SlugRedirect,
    Statement,
    User,
)
from ngo.security import database_id
from ngo.translation_groups import clash

TITLE_MAX = 500
SUMMARY_MAX = 2000
BODY_MAX = 200_000
ORGANISATION_MAX = 300
SIGNATORIES_MAX = 500
PASSWORD_MAX = 1024


def lower(value):
    """A value trimmed and lower-cased (emails, slugs)."""
    return value.strip().lower() if isinstance(value, str) else value


# The message admin forms give for a website that is not http(s).
http_url = http_url_validator(
    "Enter a web address that starts with http:// or https://, or leave it empty."
)


def small_number(message: str):
    """A validator that stops at a number far out of any range (before NumberRange)."""

    def check(form, field):
        if field.data is not None and abs(field.data) > 10**15:
            raise StopValidation(message)

    return check


def slug_format(form, field):
    """A slug is lowercase letters, digits and single hyphens."""
    if field.data and (not SLUG.match(field.data) or len(field.data) > 200):
        raise ValidationError(
            "Use lowercase letters, digits and single hyphens only, for example "
            f"“{make_slug(field.data)}”, or leave it empty to make one from the title."
        )


def language_name(code: str) -> str:
    """A language's name in the page's language ("Armenian", "армянский"), from
    Babel's data; the code itself where Babel has none."""
    try:
        return Locale.parse(code.replace("-", "_")).get_language_name(
            current_language()
        )
    except (ValueError, UnknownLocaleError):
        return code


def slug_of_address(value):
    """The slug of a statement's address pasted whole (…/hy/statements/slug?x#y),
    lower-cased; any other text as typed, lower-cased."""
    if not isinstance(value, str):
        return value
    value = value.strip().split("#", 1)[0].split("?", 1)[0].rstrip("/")
    if "/" in value:
        value = value.rsplit("/", 1)[1]
    return value.lower()


def new_password_rules(form, field):
    """A new password: long enough, not only spaces."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if field.data and (len(field.data) < minimum or not field.data.strip()):
        raise ValidationError(f"Use at least {minimum} characters.")


class DateInput(DateField):
    """A date field (`<input type=date>`) with a message that says what to type."""

    def process_formdata(self, valuelist):
        """Parse YYYY-MM-DD; anything else is an error naming the format, or
        saying why a day such as 2023-02-30 is none."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            typed = valuelist[0] if valuelist and isinstance(valuelist[0], str) else ""
            reason = impossible_date(typed)
            raise ValueError(
                f"{reason}."
                if reason
                else "Enter the date as year-month-day, for example 2023-09-19."
            ) from None
        if self.data is not None and not 1000 <= self.data.year <= 9998:
            self.data = None
            raise ValueError("Enter a year between 1000 and 9998.")


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes (the template lays them out)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    """Sign-in: email and password."""

    email = EmailField(
        "Email",
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254, message="An email address has at most 254 characters."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter your password."),
            Length(max=PASSWORD_MAX, message="That password is too long."),
        ],
    )
    submit = SubmitField("Sign in")


class PasswordForm(FlaskForm):
    """One's own new password, confirmed by the current one."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
    password = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password."),
            Length(max=PASSWORD_MAX, message="That password is too long."),
            new_password_rules,
        ],
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[
            EqualTo("password", message="The two new passwords are not the same.")
        ],
    )
    submit = SubmitField("Change password")


class StatementForm(FlaskForm):
    """The statement editor: the labels are a contract (Title, Slug, ... Save)."""

    title = StringField(
        "Title",
        filters=[one_line],
        validators=[
            DataRequired("Enter a title."),
            Length(
                max=TITLE_MAX, message=f"A title has at most {TITLE_MAX} characters."
            ),
        ],
    )
    slug = StringField(
        "Slug",
        filters=[lower],
        validators=[Optional(), slug_format],
        description="The end of the statement's address. Leave it empty to make one "
        "from the title. If you change it, the old address keeps working.",
    )
    date = DateInput("Date", validators=[InputRequired("Enter the publication date.")])
    summary = TextAreaField(
        "Summary",
        filters=[one_line],
        validators=[
            Length(
                max=SUMMARY_MAX,
                message=f"A summary has at most {SUMMARY_MAX} characters.",
            )
        ],
        description="Shown in lists and to search engines. Leave it empty to use the "
        "start of the body.",
    )
    body = TextAreaField(
        "Body",
        filters=[multi_line],
        validators=[
            DataRequired("Write the body of the statement."),
            Length(
                max=BODY_MAX, message=f"The body has at most {BODY_MAX:,} characters."
            ),
        ],
        description="Markdown: a blank line between paragraphs, ## for a heading, "
        "* for a list item, [text](https://address) for a link. "
        "Use Preview to check it.",
    )
    categories = CheckboxesField("Categories", coerce=database_id)
    signatories = TextAreaField(
        "Signatories",
        filters=[multi_line],
        description="One organisation per line, in the order they sign. Organisations "
        "already known are matched by name; new ones are added.",
    )
    language = SelectField(
        _l("Language"),
        filters=[lower],
        validate_choice=False,
        validators=[DataRequired("Enter a language code such as en, hy or ru.")],
        description=_l("The language of the text."),
    )
    translation_of = StringField(
        _l("Translation of"),
        filters=[one_line, slug_of_address],
        validators=[Optional()],
        description=_l(
            "The slug or address of a statement in another language that this one "
            "translates. Leave it empty for a statement on its own."
        ),
    )
    status = SelectField(
        "Status",
        choices=[choice("draft", "Draft"), choice("published", "Published")],
        validators=[InputRequired()],
        description="A draft is seen only by signed-in editors; published is public.",
    )
    comments_open = BooleanField("Comments open")
    featured = BooleanField(
        "Featured on the front page",
        description="The newest featured statement leads the front page; without "
        "one, the newest statement does.",
    )
    # What the statement looked like when the editor opened it (see _editor).
    version = HiddenField()
    save = SubmitField("Save")
    preview = SubmitField("Preview")

    def __init__(self, *args, statement: Statement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.statement = statement
        self.organisation_names: list[str] = []
        # The statement named in "Translation of" (None: on its own), for the view.
        self.translation_target: Statement | None = None
        codes = list(LANGUAGES)
        if statement is not None and statement.language not in codes:
            codes.append(statement.language)  # a code from before the select
        self.language.choices = [
            choice(code, NAMES.get(code, code), render_kw={"lang": code})
            for code in codes
        ]

    def validate_slug(self, field):
        """A slug typed by hand must not be another statement's."""
        if not field.data:
            return
        query = db.select(Statement.title).where(Statement.slug == field.data)
        if self.statement is not None and self.statement.id:
            query = query.where(Statement.id != self.statement.id)
        other = db.session.scalar(query)
        if other is not None:
            raise ValidationError(f"The statement “{other}” already uses this slug.")

    def validate_language(self, field):
        """One of the site's languages, or the code the statement already has."""
        kept = self.statement.language if self.statement is not None else None
        if field.data not in (*LANGUAGES, kept) or not LANGUAGE.match(field.data):
            raise ValidationError("Enter a language code such as en, hy or ru.")

    def validate_translation_of(self, field):
        """An existing statement (by slug, old slug or address), not this one, whose
        group has no statement in this one's language yet."""
        if not field.data:
            return
        target = db.session.scalar(
            db.select(Statement).where(Statement.slug == field.data)
        ) or db.session.scalar(
            db.select(Statement)
            .join(SlugRedirect, SlugRedirect.statement_id == Statement.id)
            .where(SlugRedirect.old_slug == field.data)
        )
        if target is None:
            raise ValidationError(
                _("There is no statement with the slug “%(slug)s”.", slug=field.data)
            )
        if self.statement is not None and target.id == self.statement.id:
            raise ValidationError(_("A statement cannot be a translation of itself."))
        taken = clash(target, self.language.data, self.statement)
        if taken is not None:
            raise ValidationError(
                _(
                    "“%(title)s” is already the %(language)s version of that "
                    "statement: translations have one statement per language. Choose "
                    "another language, or unlink that statement first.",
                    title=taken.title,
                    language=language_name(taken.language),
                )
            )
        self.translation_target = target

    def validate_status(self, field):
        """Draft or published."""
        if field.data not in STATUSES:
            raise ValidationError("Choose Draft or Published.")

    def validate_signatories(self, field):
        """One name per line, each once; keep the names in order for the view."""
        names, seen, problems = [], {}, []
        for number, line in enumerate((field.data or "").split("\n"), start=1):
            name = " ".join(line.split())
            if not name:
                continue
            if len(name) > ORGANISATION_MAX:
                problems.append(
                    f"Line {number} is longer than {ORGANISATION_MAX} characters."
                )
            elif name.casefold() in seen:
                problems.append(
                    f"“{name}” is listed twice "
                    f"(lines {seen[name.casefold()]} and {number})."
                )
            else:
                seen[name.casefold()] = number
                names.append(name)
        if len(names) > SIGNATORIES_MAX:
            problems.append(f"List at most {SIGNATORIES_MAX} organisations.")
        if problems:
            raise ValidationError(" ".join(problems))
        self.organisation_names = names


class CategoryForm(FlaskForm):
    """A category: its name, address, place in the tree and order among siblings."""

    name = StringField(
        "Name",
        filters=[one_line],
        validators=[
            DataRequired("Enter a name."),
            Length(max=200, message="A name has at most 200 characters."),
        ],
    )
    slug = StringField(
        "Slug",
        filters=[lower],
        validators=[Optional(), slug_format],
        description="The end of the category's address. Leave it empty to make one "
        "from the name.",
    )
    name_hy = StringField(
        _l("Name in Armenian"),
        filters=[one_line],
        validators=[Length(max=200, message=_l("A name has at most 200 characters."))],
        render_kw={"lang": "hy"},
    )
    name_en = StringField(
        _l("Name in English"),
        filters=[one_line],
        validators=[Length(max=200, message=_l("A name has at most 200 characters."))],
        render_kw={"lang": "en"},
    )
    name_ru = StringField(
        _l("Name in Russian"),
        filters=[one_line],
        validators=[Length(max=200, message=_l("A name has at most 200 characters."))],
        render_kw={"lang": "ru"},
    )
    parent = SelectField("Parent", coerce=database_id, validate_choice=True)
    position = IntegerField(
        "Position",
        default=0,
        validators=[
            InputRequired("Enter a number (0 comes first)."),
            # NumberRange compares as a float, which a huge number overflows.
            small_number("Enter a number from 0 to 100000."),
            NumberRange(min=0, max=100_000, message="Enter a number from 0 to 100000."),
        ],
        description="Order among categories with the same parent: "
        "smaller numbers come first.",
    )
    submit = SubmitField("Save")

    def __init__(self, *args, category: Category | None = None, tree=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        self.tree = tree

    def name_fields(self) -> list:
        """The name's fields in the site's languages other than the default one (the
        name as entered is in that)."""
        default = current_app.config["DEFAULT_LANGUAGE"]
        return [self[f"name_{code}"] for code in LANGUAGES if code != default]

    @property
    def name_translations(self) -> dict[str, str] | None:
        """The names typed in other languages, {"hy": …}; None when there are none."""
        names = {
            field.name.removeprefix("name_"): field.data
            for field in self.name_fields()
            if field.data
        }
        return names or None

    @staticmethod
    def initial_names(category: Category) -> dict[str, str]:
        """The name fields' data for a category as it is."""
        return {
            f"name_{code}": name
            for code, name in (category.name_translations or {}).items()
            if code in LANGUAGES
        }

    def validate_parent(self, field):
        """A category cannot move under itself or one of its own sub-categories."""
        if self.category is None or not field.data:
            return
        if field.data in self.tree.descendant_ids(self.category.id):
            raise ValidationError(
                "A category cannot be placed under itself or one of its sub-categories."
            )

    def validate_name(self, field):
        """Two categories with the same parent cannot share a name (by name key:
        case, Unicode form and spacing aside)."""
        other = category_clash(
            field.data or "",
            self.parent.data or None,
            self.category.id if self.category is not None else None,
        )
        if other is not None:
            raise ValidationError(
                f"There is already a category of this name in that place: "
                f"“{other.name}”."
            )

    def validate_slug(self, field):
        """Category slugs are unique."""
        if not field.data:
            return
        query = db.select(Category.name).where(Category.slug == field.data)
        if self.category is not None:
            query = query.where(Category.id != self.category.id)
        other = db.session.scalar(query)
        if other is not None:
            raise ValidationError(f"The category “{other}” already uses this slug.")


class OrganisationForm(FlaskForm):
    """An organisation: name and optional website."""

    name = StringField(
        "Name",
        filters=[one_line],
        validators=[
            DataRequired("Enter a name."),
            Length(
                max=ORGANISATION_MAX,
                message=f"A name has at most {ORGANISATION_MAX} characters.",
            ),
        ],
    )
    website = StringField(
        "Website",
        filters=[web_address],
        validators=[
            Optional(),
            Length(max=500, message="A web address has at most 500 characters."),
            http_url,
        ],
        description="Optional: an address starting with https:// or http://.",
    )
    submit = SubmitField("Save")

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def validate_name(self, field):
        """Names are unique by name key (case, Unicode form and spacing aside)."""
        other = organisation_called(
            field.data or "",
            self.organisation.id if self.organisation is not None else None,
        )
        if other is not None:
            raise ValidationError(
                f"There is already an organisation of this name: “{other.name}”."
            )


ROLE_CHOICES = [
    choice("editor", "Editor: statements, categories, organisations and comments"),
    choice("moderator", "Moderator: comments only"),
    choice("admin", "Administrator: everything, including users"),
]


class UserForm(FlaskForm):
    """A new staff account."""

    email = EmailField(
        "Email",
        filters=[lower],
        validators=[
            DataRequired("Enter an email address."),
            Length(max=254, message="An email address has at most 254 characters."),
            Email("Enter an email address such as name@example.org."),
        ],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default="editor")
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter a password."),
            Length(max=PASSWORD_MAX, message="That password is too long."),
            new_password_rules,
        ],
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[EqualTo("password", message="The two passwords are not the same.")],
    )
    submit = SubmitField("Create user")

    def validate_email(self, field):
        """One account per email."""
        if db.session.scalar(db.select(User.id).where(User.email == field.data)):
            raise ValidationError("There is already a user with this email.")

    def validate_role(self, field):
        """One of the three roles."""
        if field.data not in ROLES:
            raise ValidationError("Choose a role.")


class UserEditForm(FlaskForm):
    """An existing account: its role, whether it may sign in, a new password."""

    role = SelectField("Role", choices=ROLE_CHOICES)
    active = BooleanField("Active (may sign in)")
    password = PasswordField(
        "New password",
        validators=[
            Optional(),
            Length(max=PASSWORD_MAX, message="That password is too long."),
            new_password_rules,
        ],
        description="Leave empty to keep the current password.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[EqualTo("password", message="The two passwords are not the same.")],
    )
    submit = SubmitField("Save")


class PageForm(FlaskForm):
    """A simple page (About, Contact): title, address and Markdown body."""

    title = StringField(
        "Title",
        filters=[one_line],
        validators=[
            DataRequired("Enter a title."),
            Length(
                max=TITLE_MAX, message=f"A title has at most {TITLE_MAX} characters."
            ),
        ],
    )
    slug = StringField(
        "Slug",
        filters=[lower],
        validators=[Optional(), slug_format],
        description="The end of the page's address, /pages/… (about, contact). "
        "Leave it empty to make one from the title.",
    )
    body = TextAreaField(
        "Body",
        filters=[multi_line],
        validators=[
            DataRequired("Write the text of the page."),
            Length(
                max=BODY_MAX, message=f"The body has at most {BODY_MAX:,} characters."
            ),
        ],
        description="Markdown: a blank line between paragraphs, ## for a heading, "
        "* for a list item, [text](https://address) for a link.",
    )
    in_footer = BooleanField(
        "Linked from the footer",
        default=True,
        description="The footer of every page links the page by its title.",
    )
    position = IntegerField(
        "Position",
        default=0,
        validators=[
            InputRequired("Enter a number (0 comes first)."),
            small_number("Enter a number from 0 to 100000."),
            NumberRange(min=0, max=100_000, message="Enter a number from 0 to 100000."),
        ],
        description="Order of the pages in the footer and in this list: "
        "smaller numbers come first.",
    )
    submit = SubmitField("Save")

    def __init__(self, *args, page: Page | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page

    def validate_slug(self, field):
        """A slug typed by hand must not be another page's."""
        if not field.data:
            return
        query = db.select(Page.title).where(Page.slug == field.data)
        if self.page is not None and self.page.id:
            query = query.where(Page.id != self.page.id)
        other = db.session.scalar(query)
        if other is not None:
            raise ValidationError(f"The page “{other}” already uses this slug.")


class ConfirmForm(FlaskForm):
    """A button with no fields: only its CSRF token is checked."""


MODERATION_ACTIONS = ("approve", "unapprove", "spam", "trash", "delete")


class ModerationForm(FlaskForm):
    """The queue's buttons: one comment (`one` = "action:id") or the ticked ones."""

    ids = SelectMultipleField(coerce=database_id, validate_choice=False)
    action = HiddenField()
    one = HiddenField()
