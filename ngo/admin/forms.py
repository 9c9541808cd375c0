"""Admin forms: sign-in, statements, categories, organisations, users, moderation."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

import flask_babel
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext, pgettext
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
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


from ngo.authoring import ISO_DAY, category_clash, organisation_called
from ngo.extensions import db
from ngo.form_filters import http_url as http_url_validator
from ngo.form_filters import multi_line, one_line, web_address
from ngo.i18n import LANGUAGES, NAMES, current_language, number
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
    name_key,
)
from ngo.security import database_id
from ngo.translation_groups import clash

TITLE_MAX = 500
SUMMARY_MAX = 2000
BODY_MAX = 200_000
ORGANISATION_MAX = 300
SIGNATORIES_MAX = 500
TAG_MAX = 200
TAGS_MAX = 50
PASSWORD_MAX = 1024


def lower(value):
    """A value trimmed and lower-cased (emails, slugs)."""
    return value.strip().lower() if isinstance(value, str) else value


def lazy_number(value: int) -> LazyString:
    """A number written the page's way when shown: "200,000", "200 000"."""
    return LazyString(number, value)


# The message admin forms give for a website that is not http(s).
http_url = http_url_validator(
    _l("Enter a web address that starts with http:// or https://, or leave it empty.")
)
# The words of field limits and ranges, shared by several forms.
NAME_TOO_LONG = _l("A name has at most 200 characters.")
PASSWORD_TOO_LONG = _l("That password is too long.")
EMAIL_TOO_LONG = _l("An email address has at most 254 characters.")
TITLE_TOO_LONG = _l(
    "A title has at most %(max)s characters.", max=lazy_number(TITLE_MAX)
)
BODY_TOO_LONG = _l(
    "The body has at most %(max)s characters.", max=lazy_number(BODY_MAX)
)
POSITION_MISSING = _l("Enter a number (0 comes first).")
POSITION_RANGE = _l("Enter a number from 0 to 100000.")


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
            _(
                "Use lowercase letters, digits and single hyphens only, for example "
                "“%(slug)s”, or leave it empty to make one from the title.",
                slug=make_slug(field.data),
            )
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
        raise ValidationError(
            ngettext(
                "Use at least %(num)d character.",
                "Use at least %(num)d characters.",
                minimum,
            )
        )


def impossible_day(typed: str) -> str | None:
    """Why a YYYY-MM-DD that is no day of the calendar is none, in the page's
    language ("2023-02-30 is not a date: February has 28 days in 2023."); None if
    it is one or not of that form."""
    match = ISO_DAY.match(typed or "")
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    shown = match.group(0).strip()
    if year < 1:
        return _("%(date)s is not a date: there is no year 0.", date=shown)
    if not 1 <= month <= 12:
        return _("%(date)s is not a date: a year has 12 months.", date=shown)
    days = monthrange(year, month)[1]
    if 1 <= day <= days:
        return None
    # The month's name as it stands alone ("February", "февраль").
    name = format_date(date(2000, month, 1), "LLLL", locale=current_language())
    if month == 2:
        return _(
            "%(date)s is not a date: %(month)s has %(days)s days in %(year)s.",
            date=shown,
            month=name,
            days=days,
            year=str(year),
        )
    return _(
        "%(date)s is not a date: %(month)s has %(days)s days.",
        date=shown,
        month=name,
        days=days,
    )


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
            raise ValueError(
                impossible_day(typed)
                or _("Enter the date as year-month-day, for example 2023-09-19.")
            ) from None
        if self.data is not None and not 1000 <= self.data.year <= 9998:
            self.data = None
            raise ValueError(_("Enter a year between 1000 and 9998."))


def N_(message: str) -> str:
    """Mark a message for the catalog without translating it here."""
    return message


# WTForms' own messages an admin form can show (a choice or a number that is none),
# from the admin's catalog; WTForms' catalogs lack Armenian.
WTFORMS_MESSAGES = frozenset(
    {
        # Translators: WTForms' own messages, shown under a field left empty, or
        # whose value is not a number or none of its choices.
        N_("This field is required."),
        N_("Not a valid choice."),
        N_("Not a valid integer value."),
        N_("Invalid Choice: could not coerce."),
        N_("Invalid choice(s): one or more data inputs could not be coerced."),
    }
)
NOT_VALID_CHOICES = "'%(value)s' is not a valid choice for this field."


class WTFormsMessages:
    """The translations WTForms asks for its own messages: the admin's catalog for
    the ones an admin form can show, in the page's language; Flask-WTF's (WTForms'
    catalogs) for any other."""

    def gettext(self, string):
        """One message; WTForms fills in its values itself."""
        if string in WTFORMS_MESSAGES:
            return flask_babel.get_translations().ugettext(string)
        return wtforms_translations.gettext(string)

    def ngettext(self, singular, plural, n):
        """One of a message's plural forms; WTForms fills in its values itself."""
        if singular == NOT_VALID_CHOICES:
            return flask_babel.get_translations().ungettext(
                "'%(value)s' is not a valid choice for this field.",
                "'%(value)s' are not valid choices for this field.",
                n,
            )
        return wtforms_translations.ngettext(singular, plural, n)


class AdminForm(FlaskForm):
    """A form of the admin: WTForms' own messages in the page's language too."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            """WTForms' messages through the admin's catalog (WTFormsMessages)."""
            return WTFormsMessages()


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes (the template lays them out)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(AdminForm):
    """Sign-in: email and password."""

    email = EmailField(
        _l("Email"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254, message=EMAIL_TOO_LONG),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter your password.")),
            Length(max=PASSWORD_MAX, message=PASSWORD_TOO_LONG),
        ],
    )
    # Translators: the button of the sign-in form.
    submit = SubmitField(_l("Sign in"))


class PasswordForm(AdminForm):
    """One's own new password, confirmed by the current one."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
    )
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(max=PASSWORD_MAX, message=PASSWORD_TOO_LONG),
            new_password_rules,
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            EqualTo("password", message=_l("The two new passwords are not the same."))
        ],
    )
    submit = SubmitField(_l("Change password"))


class StatementForm(AdminForm):
    """The statement editor: the labels are a contract (Title, Slug, ... Save)."""

    title = StringField(
        _l("Title"),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter a title.")),
            Length(max=TITLE_MAX, message=TITLE_TOO_LONG),
        ],
    )
    slug = StringField(
        # Translators: the field for the end of a statement's (category's, page's)
        # web address, such as "right-to-life" in /category/right-to-life.
        _l("Slug"),
        filters=[lower],
        validators=[Optional(), slug_format],
        description=_l(
            "The end of the statement's address. Leave it empty to make one "
            "from the title. If you change it, the old address keeps working."
        ),
    )
    date = DateInput(
        _l("Date"), validators=[InputRequired(_l("Enter the publication date."))]
    )
    summary = TextAreaField(
        _l("Summary"),
        filters=[one_line],
        validators=[
            Length(
                max=SUMMARY_MAX,
                message=_l(
                    "A summary has at most %(max)s characters.", max=SUMMARY_MAX
                ),
            )
        ],
        description=_l(
            "Shown in lists and to search engines. Leave it empty to use the "
            "start of the body."
        ),
    )
    body = TextAreaField(
        # Translators: the field for a statement's (a page's) text.
        _l("Body"),
        filters=[multi_line],
        validators=[
            DataRequired(_l("Write the body of the statement.")),
            Length(max=BODY_MAX, message=BODY_TOO_LONG),
        ],
        # Translators: keep the Markdown signs (##, *, [text](https://address)) as
        # they are; "text" and "address" may be translated.
        description=_l(
            "Markdown: a blank line between paragraphs, ## for a heading, "
            "* for a list item, [text](https://address) for a link. "
            "Use Preview to check it."
        ),
    )
    categories = CheckboxesField(_l("Categories"), coerce=database_id)
    signatories = TextAreaField(
        _l("Signatories"),
        filters=[multi_line],
        description=_l(
            "One organisation per line, in the order they sign. Organisations "
            "already known are matched by name; new ones are added."
        ),
    )
    tags = StringField(
        _l("Tags"),
        filters=[one_line],
        description=_l(
            "Separated by commas. Tags already known are matched by name; new ones "
            "are added."
        ),
    )
    language = SelectField(
        _l("Language"),
        filters=[lower],
        validate_choice=False,
        validators=[DataRequired(_l("Enter a language code such as en, hy or ru."))],
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
        _l("Status"),
        choices=[
            # Translators: a statement's status (not yet published).
            choice("draft", _l("Draft")),
            # Translators: a statement's status (public).
            choice("published", _l("Published")),
        ],
        validators=[InputRequired()],
        description=_l(
            "A draft is seen only by signed-in editors; published is public."
        ),
    )
    comments_open = BooleanField(_l("Comments open"))
    featured = BooleanField(
        _l("Featured on the front page"),
        description=_l(
            "The newest featured statement leads the front page; without "
            "one, the newest statement does."
        ),
    )
    # What the statement looked like when the editor opened it (see _editor).
    version = HiddenField()
    save = SubmitField("Save")
    preview = SubmitField("Preview")

    def __init__(self, *args, statement: Statement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.statement = statement
        self.organisation_names: list[str] = []
        self.tag_names: list[str] = []
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
            raise ValidationError(
                _("The statement “%(title)s” already uses this slug.", title=other)
            )

    def validate_language(self, field):
        """One of the site's languages, or the code the statement already has."""
        kept = self.statement.language if self.statement is not None else None
        if field.data not in (*LANGUAGES, kept) or not LANGUAGE.match(field.data):
            raise ValidationError(_("Enter a language code such as en, hy or ru."))

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
            raise ValidationError(_("Choose Draft or Published."))

    def validate_tags(self, field):
        """Names separated by commas, each once (by its key), in order, for the
        view; each short enough for a tag."""
        names, seen = [], set()
        for part in (field.data or "").split(","):
            name = " ".join(part.split())
            if not name or name_key(name) in seen:
                continue
            if len(name) > TAG_MAX:
                raise ValidationError(
                    _(
                        "“%(name)s” is longer than %(max)s characters.",
                        name=name[:40] + "…",
                        max=TAG_MAX,
                    )
                )
            seen.add(name_key(name))
            names.append(name)
        if len(names) > TAGS_MAX:
            raise ValidationError(_("Give at most %(max)s tags.", max=TAGS_MAX))
        self.tag_names = names

    def validate_signatories(self, field):
        """One name per line, each once; keep the names in order for the view."""
        names, seen, problems = [], {}, []
        for line_number, line in enumerate((field.data or "").split("\n"), start=1):
            name = " ".join(line.split())
            if not name:
                continue
            if len(name) > ORGANISATION_MAX:
                problems.append(
                    _(
                        "Line %(line)s is longer than %(max)s characters.",
                        line=line_number,
                        max=ORGANISATION_MAX,
                    )
                )
            elif name.casefold() in seen:
                problems.append(
                    _(
                        "“%(name)s” is listed twice (lines %(first)s and %(second)s).",
                        name=name,
                        first=seen[name.casefold()],
                        second=line_number,
                    )
                )
            else:
                seen[name.casefold()] = line_number
                names.append(name)
        if len(names) > SIGNATORIES_MAX:
            problems.append(
                _("List at most %(max)s organisations.", max=SIGNATORIES_MAX)
            )
        if problems:
            raise ValidationError(" ".join(problems))
        self.organisation_names = names


class CategoryForm(AdminForm):
    """A category: its name, address, place in the tree and order among siblings."""

    name = StringField(
        "Name",
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(max=200, message=NAME_TOO_LONG),
        ],
    )
    slug = StringField(
        _l("Slug"),
        filters=[lower],
        validators=[Optional(), slug_format],
        description=_l(
            "The end of the category's address. Leave it empty to make one "
            "from the name."
        ),
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
    # Translators: the category a category sits under in the tree.
    parent = SelectField(_l("Parent"), coerce=database_id, validate_choice=True)
    position = IntegerField(
        # Translators: a number giving the order of a category (a page) among others.
        _l("Position"),
        default=0,
        validators=[
            InputRequired(POSITION_MISSING),
            # NumberRange compares as a float, which a huge number overflows.
            small_number(POSITION_RANGE),
            NumberRange(min=0, max=100_000, message=POSITION_RANGE),
        ],
        description=_l(
            "Order among categories with the same parent: smaller numbers come first."
        ),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, category: Category | None = None, tree=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        self.tree = tree
        self.name.label.text = name_label()

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
                _(
                    "A category cannot be placed under itself or one of its "
                    "sub-categories."
                )
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
                _(
                    "There is already a category of this name in that place: "
                    "“%(name)s”.",
                    name=other.name,
                )
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
            raise ValidationError(
                _("The category “%(name)s” already uses this slug.", name=other)
            )


def name_label() -> str:
    """The label of a category's or an organisation's name field."""
    # Translators: the name of a category or an organisation (not a person's name).
    return pgettext("category or organisation", "Name")


class OrganisationForm(AdminForm):
    """An organisation: name and optional website."""

    name = StringField(
        "Name",
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(
                max=ORGANISATION_MAX,
                message=_l(
                    "A name has at most %(max)s characters.", max=ORGANISATION_MAX
                ),
            ),
        ],
    )
    website = StringField(
        _l("Website"),
        filters=[web_address],
        validators=[
            Optional(),
            Length(max=500, message=_l("A web address has at most 500 characters.")),
            http_url,
        ],
        description=_l("Optional: an address starting with https:// or http://."),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.name.label.text = name_label()

    def validate_name(self, field):
        """Names are unique by name key (case, Unicode form and spacing aside)."""
        other = organisation_called(
            field.data or "",
            self.organisation.id if self.organisation is not None else None,
        )
        if other is not None:
            raise ValidationError(
                _(
                    "There is already an organisation of this name: “%(name)s”.",
                    name=other.name,
                )
            )


def role_name(role: str) -> str:
    """A role as staff read it after an email or in a list: "editor"."""
    names = {
        # Translators: the role of a staff member who may do everything, shown
        # after an email ("Signed in as a@b.org (admin)") and in the list of users.
        "admin": pgettext("role", "admin"),
        # Translators: the role of a staff member who writes statements.
        "editor": pgettext("role", "editor"),
        # Translators: the role of a staff member who moderates comments only.
        "moderator": pgettext("role", "moderator"),
    }
    return names.get(role, role)


ROLE_CHOICES = [
    choice("editor", _l("Editor: statements, categories, organisations and comments")),
    choice("moderator", _l("Moderator: comments only")),
    choice("admin", _l("Administrator: everything, including users")),
]
PASSWORDS_DIFFER = _l("The two passwords are not the same.")


class UserForm(AdminForm):
    """A new staff account."""

    email = EmailField(
        _l("Email"),
        filters=[lower],
        validators=[
            DataRequired(_l("Enter an email address.")),
            Length(max=254, message=EMAIL_TOO_LONG),
            Email(_l("Enter an email address such as name@example.org.")),
        ],
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="editor")
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter a password.")),
            Length(max=PASSWORD_MAX, message=PASSWORD_TOO_LONG),
            new_password_rules,
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=PASSWORDS_DIFFER)],
    )
    submit = SubmitField(_l("Create user"))

    def validate_email(self, field):
        """One account per email."""
        if db.session.scalar(db.select(User.id).where(User.email == field.data)):
            raise ValidationError(_("There is already a user with this email."))

    def validate_role(self, field):
        """One of the three roles."""
        if field.data not in ROLES:
            raise ValidationError(_("Choose a role."))


class UserEditForm(AdminForm):
    """An existing account: its role, whether it may sign in, a new password."""

    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    active = BooleanField(_l("Active (may sign in)"))
    password = PasswordField(
        _l("New password"),
        validators=[
            Optional(),
            Length(max=PASSWORD_MAX, message=PASSWORD_TOO_LONG),
            new_password_rules,
        ],
        description=_l("Leave empty to keep the current password."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("password", message=PASSWORDS_DIFFER)],
    )
    submit = SubmitField(_l("Save"))


class PageForm(AdminForm):
    """A simple page (About, Contact): title, address and Markdown body."""

    title = StringField(
        _l("Title"),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter a title.")),
            Length(max=TITLE_MAX, message=TITLE_TOO_LONG),
        ],
    )
    slug = StringField(
        _l("Slug"),
        filters=[lower],
        validators=[Optional(), slug_format],
        description=_l(
            "The end of the page's address, /pages/… (about, contact). "
            "Leave it empty to make one from the title."
        ),
    )
    body = TextAreaField(
        _l("Body"),
        filters=[multi_line],
        validators=[
            DataRequired(_l("Write the text of the page.")),
            Length(max=BODY_MAX, message=BODY_TOO_LONG),
        ],
        # Translators: keep the Markdown signs (##, *, [text](https://address)) as
        # they are; "text" and "address" may be translated.
        description=_l(
            "Markdown: a blank line between paragraphs, ## for a heading, "
            "* for a list item, [text](https://address) for a link."
        ),
    )
    in_footer = BooleanField(
        _l("Linked from the footer"),
        default=True,
        description=_l("The footer of every page links the page by its title."),
    )
    position = IntegerField(
        _l("Position"),
        default=0,
        validators=[
            InputRequired(POSITION_MISSING),
            small_number(POSITION_RANGE),
            NumberRange(min=0, max=100_000, message=POSITION_RANGE),
        ],
        description=_l(
            "Order of the pages in the footer and in this list: "
            "smaller numbers come first."
        ),
    )
    submit = SubmitField(_l("Save"))

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
            raise ValidationError(
                _("The page “%(title)s” already uses this slug.", title=other)
            )


class ConfirmForm(AdminForm):
    """A button with no fields: only its CSRF token is checked."""


MODERATION_ACTIONS = ("approve", "unapprove", "spam", "trash", "delete")


class ModerationForm(AdminForm):
    """The queue's buttons: one comment (`one` = "action:id") or the ticked ones."""

    ids = SelectMultipleField(coerce=database_id, validate_choice=False)
    action = HiddenField()
    one = HiddenField()
