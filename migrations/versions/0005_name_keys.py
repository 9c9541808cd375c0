"""name keys: organisations and categories matched by a key made in Python

Revision ID: 0005_name_keys
Revises: 0004_page_revisions
Create Date: 2026-11-29 09:00:00

An organisation or category is found by its name's key: the name in Unicode NFC,
casefolded, with runs of white space collapsed to one space (ngo.models.name_key).
SQLite's lower() folds ASCII only, so the old lookups missed "ՀԱԿ" against "հակ" and
created a second row or failed on the unique name. The key is computed in Python and
stored, so SQLite and PostgreSQL find the same row.

- organisation.name_key: unique.
- category.name_key: unique together with parent_id, plus a partial unique index on
  name_key for top-level categories (parent_id IS NULL), since NULLs never collide in a
  unique constraint.

Existing rows whose names share a key (possible on SQLite: "Հակ" and "ՀԱԿ", or "Rights"
and "rights" under one parent) are NOT merged: merging would drop an organisation's or
a category's public address (/organisations/<slug>, /category/<slug>) and its website
or position. The upgrade stops before changing anything and names every clashing row
(id, slug, name); rename or merge them in the admin with the previous release, then
upgrade again.

The key function is copied here on purpose: a revision must keep doing what it did
when it was written, whatever later becomes of the application code.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_name_keys"
down_revision = "0004_page_revisions"
branch_labels = None
depends_on = None

TOP_LEVEL = sa.text("parent_id IS NULL")


def name_key(name: str) -> str:
    """NFC, casefolded, white space collapsed: the key as of this revision."""
    folded = unicodedata.normalize("NFC", name or "").casefold()
    return unicodedata.normalize("NFC", " ".join(folded.split()))


def _keyed_rows(bind, table: str, scope: str | None):
    """Every row's (id, key), and a line for each row whose key an earlier row of
    the same scope (the same parent, for categories) already has."""
    columns = "id, slug, name" + (f", {scope}" if scope else "")
    rows = bind.execute(sa.text(f"SELECT {columns} FROM {table} ORDER BY id")).all()
    seen, clashes = {}, []
    for row in rows:
        where = (getattr(row, scope) if scope else None, name_key(row.name))
        if where in seen:
            first = seen[where]
            clashes.append(
                f"  {table} {first.id} ({first.slug}: {first.name!r}) and "
                f"{row.id} ({row.slug}: {row.name!r})"
            )
        else:
            seen[where] = row
    return [(row.id, name_key(row.name)) for row in rows], clashes


def upgrade():
    bind = op.get_bind()
    # Both tables are checked before the first change, so a clash changes nothing.
    keys, clashes = {}, []
    for table, scope in (("organisation", None), ("category", "parent_id")):
        keys[table], found = _keyed_rows(bind, table, scope)
        clashes += found
    if clashes:
        raise RuntimeError(
            "0005_name_keys: these rows have names that differ only in case, Unicode "
            "form or spacing, and would be one under the new matching:\n"
            + "\n".join(clashes)
            + "\nRename or merge them in the admin (with the previous release) and "
            "run the upgrade again; nothing was changed."
        )

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=900), nullable=True))
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=600), nullable=True))

    for table, rows in keys.items():
        update = sa.text(f"UPDATE {table} SET name_key = :key WHERE id = :id")
        if rows:
            bind.execute(update, [{"key": key, "id": row_id} for row_id, key in rows])

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.alter_column(
            "name_key", existing_type=sa.String(length=900), nullable=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_organisation_name_key"), ["name_key"]
        )
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.alter_column(
            "name_key", existing_type=sa.String(length=600), nullable=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_category_parent_id_name_key"), ["parent_id", "name_key"]
        )
    op.create_index(
        "uq_category_top_level_name_key",
        "category",
        ["name_key"],
        unique=True,
        sqlite_where=TOP_LEVEL,
        postgresql_where=TOP_LEVEL,
    )


def downgrade():
    op.drop_index("uq_category_top_level_name_key", table_name="category")
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_category_parent_id_name_key"), type_="unique"
        )
        batch_op.drop_column("name_key")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_organisation_name_key"), type_="unique")
        batch_op.drop_column("name_key")
