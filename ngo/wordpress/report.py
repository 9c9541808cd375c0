"""What a WordPress import did: counts by kind and status, what it skipped and why,
where the export was repaired, and the media it could not find."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# The kinds counted, in the order the report lists them, with their plural names.
KINDS = {
    "statement": "Statements",
    "page": "Pages",
    "comment": "Comments",
    "category": "Categories",
    "tag": "Tags",
    "organisation": "Organisations (signatories)",
    "old address": "Old addresses",
}


@dataclass
class Report:
    """Filled by the importer as it goes; `lines()` writes it out."""

    source: str = ""
    dry_run: bool = False
    # (kind, status) -> how many: ("statement", "published"), ("comment", "spam")
    statuses: Counter = field(default_factory=Counter)
    # (kind, "new" | "updated" | "unchanged" | "found") -> how many
    changes: Counter = field(default_factory=Counter)
    # (what, why), in the export's order: "post 12 “Title” (line 40)", "in the trash"
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Skipped and only counted, by what they are: "pingbacks" -> 12
    skipped_counts: Counter = field(default_factory=Counter)
    # Imported, with something the reader should know: (what, note)
    notes: list[tuple[str, str]] = field(default_factory=list)
    recoveries: list[str] = field(default_factory=list)
    recovered: int = 0
    missing_media: list[str] = field(default_factory=list)
    copied_media: int = 0
    embeds: int = 0
    _missing_seen: set[str] = field(default_factory=set, repr=False)

    def count(self, kind: str, status: str | None, change: str | None) -> None:
        """One more of a kind, with its status and whether it was new or updated."""
        if status is not None:
            self.statuses[(kind, status)] += 1
        if change is not None:
            self.changes[(kind, change)] += 1

    def skip(self, what: str, why: str) -> None:
        """Something of the export left out, and why."""
        self.skipped.append((what, why))

    def skip_counted(self, why: str) -> None:
        """Something left out that is only counted (pingbacks, trackbacks)."""
        self.skipped_counts[why] += 1

    def note(self, what: str, note: str) -> None:
        """Something imported otherwise than it was (a password dropped)."""
        self.notes.append((what, note))

    def missing(self, url: str) -> None:
        """A media address the uploads folder did not have (listed once)."""
        if url not in self._missing_seen:
            self._missing_seen.add(url)
            self.missing_media.append(url)

    def lines(self) -> list[str]:
        """The report as lines of text."""
        title = (
            f"WordPress import of {self.source}" if self.source else "WordPress import"
        )
        out = [title + (" (dry run: nothing was saved)" if self.dry_run else "")]
        for kind, label in KINDS.items():
            changes = [
                f"{change} {n}"
                for (k, change), n in sorted(self.changes.items())
                if k == kind and n
            ]
            statuses = [
                f"{status} {n}"
                for (k, status), n in sorted(self.statuses.items())
                if k == kind and n
            ]
            if not changes and not statuses:
                continue
            line = f"{label}: " + ", ".join(changes)
            if statuses:
                line += "; " + ", ".join(statuses)
            out.append(line)
        if self.embeds:
            out.append(f"Embeds made plain links: {self.embeds}")
        if self.copied_media:
            out.append(f"Media files copied: {self.copied_media}")
        skipped = len(self.skipped) + sum(self.skipped_counts.values())
        out.append(f"Skipped: {skipped}")
        for why, n in sorted(self.skipped_counts.items()):
            out.append(f"  {why}: {n}")
        for what, why in self.skipped:
            out.append(f"  {what}: {why}")
        if self.notes:
            out.append(f"Imported with a change: {len(self.notes)}")
            out.extend(f"  {what}: {note}" for what, note in self.notes)
        if self.recovered:
            out.append(f"Repairs of the export's XML: {self.recovered}")
            out.extend(f"  {recovery}" for recovery in self.recoveries)
            if self.recovered > len(self.recoveries):
                out.append(f"  … and {self.recovered - len(self.recoveries)} more")
        if self.missing_media:
            out.append(
                f"Media not found (left as links to the old site): "
                f"{len(self.missing_media)}"
            )
            out.extend(f"  {url}" for url in self.missing_media)
        return out
