"""Slugs from Armenian and Russian titles, by the tables in ngo/authoring.py:
Armenian after BGN/PCGN 1981 in plain ASCII, Russian after the 1997 passport rules."""

from datetime import UTC, datetime

import pytest

from ngo.authoring import legacy_slug, make_slug, transliterate
from ngo.extensions import db
from ngo.models import Statement

# Titles of statements published by Armenian and Russian NGOs and media.
REAL_TITLES = [
    # syuniacyerkir.am, 1 April 2022: ու inside words, ը at the end
    (
        "Հայաստանի ժողովրդավարական ուժերի հայտարարությունը",
        "hayastani-zhoghovrdavarakan-uzheri-haytararutyuny",
    ),
    # syuniacyerkir.am, 19 July 2023: ո at the start (vo), ե at the start (ye), և
    (
        "Արցախի ՀԿ-ները ողջունում և շնորհակալություն են հայտնում 470 եվրոպական "
        "ՀԿ-ներին և միավորումներին",
        "artsakhi-hk-nery-voghjunum-ev-shnorhakalutyun-yen-haytnum-470-yevropakan-"
        "hk-nerin-ev-miavorumnerin",
    ),
    # freecitizen.am, 12 May 2024: all capitals, ՈՒ, ԵՎ (the word և in capitals)
    (
        "«ԱԶԱՏ ՔԱՂԱՔԱՑԻ» ՀԿ-ն միացել է ՀԱՅԱՍՏԱՆԻ ԱՆԿԱԽՈՒԹՅԱՆ ԵՎ ԵՎՐԱԱՏԼԱՆՏՅԱՆ "
        "ԻՆՏԵԳՐՈՒՄԸ ԽՐԱԽՈՒՍՈՂ ԿՈՉԻՆ",
        "azat-kaghakatsi-hk-n-miatsel-e-hayastani-ankakhutyan-ev-yevraatlantyan-"
        "integrumy-khrakhusogh-kochin",
    ),
    # asi.org.ru, 28 June 2019: щ, й, х, ь, ю
    (
        "Защитить Россию: в какие НКО обращаться, если вы пострадали от действий "
        "правоохранителей",
        "zashchitit-rossiyu-v-kakie-nko-obrashchatsya-esli-vy-postradali-ot-deystviy-"
        "pravookhraniteley",
    ),
    # uraldem.ru: ь, ж, щ, х
    (
        "ОНК как инструмент предупреждения пыток и жестокого обращения с людьми в "
        "местах принудительного содержания граждан",
        "onk-kak-instrument-preduprezhdeniya-pytok-i-zhestokogo-obrashcheniya-s-lyudmi-"
        "v-mestakh-prinuditelnogo-soderzhaniya-grazhdan",
    ),
    # Memorial Human Rights Defence Centre, April 2022: ц, щ, ч, я
    (
        "Создана общественная организация Центр защиты прав человека «Мемориал»",
        "sozdana-obshchestvennaya-organizatsiya-tsentr-zashchity-prav-cheloveka-"
        "memorial",
    ),
    # discours.io, November 2021: й, х, ц
    (
        "Сторонники «Мемориала» о попытках ликвидации правозащитной организации",
        "storonniki-memoriala-o-popytkakh-likvidatsii-pravozashchitnoy-organizatsii",
    ),
    # The issue's own examples.
    ("Հայտարարություն", "haytararutyun"),
    ("Заявление о свободе собраний", "zayavlenie-o-svobode-sobraniy"),
]


@pytest.mark.parametrize("title,slug", REAL_TITLES)
def test_real_titles_read_as_people_write_them(title, slug):
    assert make_slug(title, max_length=200) == slug


@pytest.mark.parametrize(
    "word,latin",
    [
        ("ու", "u"),  # one letter, not "ow"
        ("Ու", "u"),
        ("ՈՒ", "u"),
        ("ուսանող", "usanogh"),  # ու at the start stays u, not vo
        ("և", "ev"),
        ("Երևան", "yerevan"),  # ե at the start, և inside
        ("եւ", "ev"),  # the classical spelling of և
        ("ԵՎ", "ev"),  # և in capitals
        ("Եվրոպա", "yevropa"),  # ԵՎ inside a longer word is ye + v
        ("որ", "vor"),  # ո at the start
        ("Ոստիկանություն", "vostikanutyun"),
        ("դո", "do"),  # ո elsewhere
        ("ինչո՞ւ", "inchu"),  # the question mark sits inside the word
        ("ք թ փ չ ց", "k t p ch ts"),  # aspirates without apostrophes
        ("ժ ղ խ ծ ձ ճ ջ", "zh gh kh ts dz ch j"),
        ("ёлка", "elka"),
        ("Съезд", "sezd"),  # ъ dropped
        ("объявление", "obyavlenie"),
        ("Новый", "novyy"),  # й
        ("щука", "shchuka"),
        ("цех", "tsekh"),  # ц, х
        ("Хор", "khor"),
        ("ПОДЪЕЗД", "podezd"),
    ],
)
def test_letters_and_word_starts(word, latin):
    assert transliterate(word) == latin


def test_no_hyphen_inside_a_word_and_other_scripts_still_work():
    assert make_slug("Հայտարարություն") == "haytararutyun"
    assert "-" not in make_slug("Ժողովրդավարություն")
    assert make_slug("Ελευθερία") == "eleutheria"  # python-slugify's tables
    assert make_slug("  Stop  the  Detention!  ") == "stop-the-detention"
    assert make_slug("«»—!?") == "item"


def test_a_statement_imported_under_the_old_slug_keeps_its_address(
    runner, app, tmp_path
):
    """Re-importing a file without a slug finds the statement its title gave the
    old slug to, and leaves that address alone."""
    title = "Հայտարարություն մարդու իրավունքների մասին"
    old = legacy_slug(title)
    assert old != make_slug(title)  # the old transliteration: "haytararowt-yown..."
    with app.app_context():
        db.session.add(
            Statement(
                slug=old,
                title=title,
                summary="old",
                body="<p>old</p>",
                published_at=datetime(2024, 1, 1, tzinfo=UTC),
                views=3,
            )
        )
        db.session.commit()
    path = tmp_path / "hy.md"
    path.write_text(
        f'---\ntitle: "{title}"\ndate: 2024-01-01\nlanguage: hy\n---\nՆոր տեքստ\n'
    )
    result = runner.invoke(args=["import-statements", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        statements = db.session.scalars(db.select(Statement)).all()
        assert [(s.slug, s.views) for s in statements] == [(old, 3)]
        assert "Նոր տեքստ" in statements[0].body


def test_demo_files_keep_their_slugs(runner, app):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        slugs = set(db.session.scalars(db.select(Statement.slug)))
    assert {
        "yntanekan-brnutyan-orenqi-poxoxutyunner",
        "trening-pravo-na-dostup-k-informatsii",
    } <= slugs
