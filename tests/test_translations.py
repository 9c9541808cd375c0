"""The interface's catalogs: every string a reader or staff member sees is in them,
and the Armenian and Russian ones are complete (no empty, fuzzy or stale message)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from ngo.i18n import DOMAINS

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "ngo" / "translations"
TRANSLATED = ("hy", "ru")


def catalog(language: str, domain: str):
    """The .po catalog of one language and domain, parsed."""
    with open(FOLDER / language / "LC_MESSAGES" / f"{domain}.po", "rb") as fh:
        return read_po(fh, locale=language)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The message ids in the sources now, per domain, as `make messages` finds them."""
    out = tmp_path_factory.mktemp("pot")
    pybabel = Path(sys.executable).with_name("pybabel")
    keywords = ["-k", "_l", "-k", "lazy_gettext", "-k", "ngettext:1,2"]
    runs = {
        "messages": ["--ignore-dirs=.* _* admin", "ngo"],
        "admin": ["ngo/admin", "ngo/templates/admin"],
    }
    ids = {}
    for domain, args in runs.items():
        target = out / f"{domain}.pot"
        subprocess.run(
            [str(pybabel), "-q", "extract", "-F", "babel.cfg", "--no-location"]
            + keywords
            + ["-o", str(target)]
            + args,
            cwd=ROOT,
            check=True,
        )
        with open(target, "rb") as fh:
            # A message is its context and its text: pgettext's are their own.
            ids[domain] = {(m.context, m.id) for m in read_po(fh) if m.id}
    return ids


def test_the_interface_has_strings_to_translate(extracted):
    assert len(extracted["messages"]) > 150
    assert len(extracted["admin"]) > 150


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language, domain, extracted):
    messages = [m for m in catalog(language, domain) if m.id]
    have = {(m.context, m.id) for m in messages}
    missing = sorted(str(i) for i in extracted[domain] - have)
    assert not missing, f"{language}/{domain}.po lacks (run make messages): {missing}"
    empty = [
        m.id
        for m in messages
        if not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    assert not empty, f"untranslated in {language}/{domain}.po: {empty}"
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not fuzzy, f"fuzzy in {language}/{domain}.po: {fuzzy}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_are_kept_in_every_translation(language, domain):
    """A translation names the values its message names (a plural form may leave
    out the count, as Russian "одна" does), and no other."""
    for message in catalog(language, domain):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            wanted = placeholders(message.id[0]) | placeholders(message.id[1])
            for string in message.string:
                assert wanted - {"num"} <= placeholders(string) <= wanted, message.id
        else:
            assert placeholders(message.string) == placeholders(message.id), message.id


def placeholders(text: str) -> set[str]:
    """The %(name)s placeholders of a message."""
    return set(re.findall(r"%\((\w+)\)[sd]", text))


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_message_in_both_catalogs_is_translated_the_same(language):
    """The catalogs are merged (the admin's last): a word both have ("Reset",
    "Name") must not change on the public pages because the admin reads it so. A
    message with a context (pgettext) is another key, and may read otherwise."""
    public = {
        (m.context, m.id): m.string for m in catalog(language, "messages") if m.id
    }
    differ = [
        (m.id, public[(m.context, m.id)], m.string)
        for m in catalog(language, "admin")
        if (m.context, m.id) in public and m.string != public[(m.context, m.id)]
    ]
    assert not differ, differ
