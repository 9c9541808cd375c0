"""The demo categories' names in Armenian and Russian, for `flask seed-demo` (the demo
statements name their categories in English, as entered)."""

from ngo.extensions import db
from ngo.models import Category

# A category's trail of names as entered → its name in each other language.
DEMO_CATEGORY_NAMES = {
    ("Activities",): {"hy": "Գործունեություն", "ru": "Деятельность"},
    ("Activities", "Monitoring"): {"hy": "Մոնիթորինգ", "ru": "Мониторинг"},
    ("Activities", "Trainings"): {"hy": "Դասընթացներ", "ru": "Тренинги"},
    ("Announcements",): {"hy": "Հաղորդումներ", "ru": "Объявления"},
    ("Announcements", "Press releases"): {
        "hy": "Մամուլի հաղորդագրություններ",
        "ru": "Пресс-релизы",
    },
    ("Publications",): {"hy": "Հրապարակումներ", "ru": "Публикации"},
    ("Publications", "Reports"): {"hy": "Զեկույցներ", "ru": "Доклады"},
    ("Rights",): {"hy": "Իրավունքներ", "ru": "Права"},
    ("Rights", "Freedom of assembly"): {
        "hy": "Հավաքների ազատություն",
        "ru": "Свобода собраний",
    },
    ("Rights", "Freedom of expression"): {
        "hy": "Արտահայտվելու ազատություն",
        "ru": "Свобода выражения мнений",
    },
    ("Rights", "Right to life"): {"hy": "Կյանքի իրավունք", "ru": "Право на жизнь"},
    ("Rights", "Rights of persons with disabilities"): {
        "hy": "Հաշմանդամություն ունեցող անձանց իրավունքներ",
        "ru": "Права людей с инвалидностью",
    },
    ("Rights", "Rights of the child"): {
        "hy": "Երեխայի իրավունքներ",
        "ru": "Права ребёнка",
    },
}


def seed_demo_category_names() -> int:
    """Name the demo categories in Armenian and Russian where they have no name in
    that language yet (an editor's name stays); how many categories were named."""
    categories = db.session.scalars(db.select(Category)).all()
    by_id = {c.id: c for c in categories}

    def trail(category: Category) -> tuple[str, ...]:
        """The names from the top of the tree down to this category."""
        names = []
        while category is not None and len(names) < 10:
            names.append(category.name)
            category = by_id.get(category.parent_id)
        return tuple(reversed(names))

    named = 0
    for category in categories:
        wanted = DEMO_CATEGORY_NAMES.get(trail(category))
        if wanted is None:
            continue
        names = dict(category.name_translations or {})
        missing = {code: name for code, name in wanted.items() if not names.get(code)}
        if missing:
            category.name_translations = names | missing
            named += 1
    return named
