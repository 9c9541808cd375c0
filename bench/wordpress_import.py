"""`make bench-wordpress`: how long `flask import-wordpress` takes, and how much memory.

Writes a WordPress export (WXR 1.2, as WordPress 6.x writes it) of POSTS posts
with COMMENTS comments among them (threaded, approved, pending and spam; a few
pingbacks), a category tree, tags, view counts, block-editor and classic bodies in
English, Armenian and Russian, and an unescaped "&" in some commenters' websites.
Then, for each backend (SQLite in a file under bench/results/, and PostgreSQL in
a scratch database made on the server of NGO_BENCH_PG_URL and dropped afterwards):

1. `flask db upgrade` on an empty database;
2. `flask import-wordpress EXPORT` timed, with its peak resident memory (the
   child's ru_maxrss);
3. the same again (everything found by its WordPress id, nothing duplicated).

Prints a table and writes bench/results/wordpress_import.json. Targets: 10,000
posts and 100,000 comments in under TARGET_SECONDS, under TARGET_MB resident.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from import_speed import Database  # noqa: E402  (the scratch databases)

FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "ngo"]
TARGET_SECONDS = 120
TARGET_MB = 300
OLD = "https://old.example.org"
# Runs a command and prints its CPU seconds and peak resident memory (KiB) on the
# last line of stderr: the child's own, whatever else this process has run. CPU
# time says what the import costs on a machine shared with other work.
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "cpu = usage.ru_utime + usage.ru_stime\n"
    "print(f'cpu {cpu:.1f} maxrss {usage.ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)

WORDS = {
    "en": "the authorities must release the detained journalists and end the "
    "pressure on civil society organisations that defend human rights".split(),
    "hy": "իշխանությունները պետք է ազատ արձակեն կալանավորված լրագրողներին և "
    "դադարեցնեն ճնշումը քաղաքացիական հասարակության կազմակերպությունների "
    "վրա".split(),
    "ru": "власти должны освободить задержанных журналистов и прекратить давление "
    "на организации гражданского общества защищающие права человека".split(),
}


def cdata(text: str) -> str:
    """Text in a CDATA section, as the exporter writes it."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng: random.Random, language: str, words: int = 14) -> str:
    """Some words of a language, capitalised, with a full stop."""
    chosen = " ".join(rng.choice(WORDS[language]) for _ in range(words))
    return chosen[:1].upper() + chosen[1:] + ("։" if language == "hy" else ".")


def body(rng: random.Random, language: str, number: int) -> str:
    """A post body: block editor (comments around paragraphs) or classic."""
    paragraphs = [" ".join(sentence(rng, language) for _ in range(3)) for _ in range(4)]
    if number % 2:
        return "\n\n".join(
            f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->"
            for p in paragraphs
        )
    return paragraphs[0] + "\n\n<!--more-->\n\n" + "\n\n".join(paragraphs[1:])


def comment_xml(rng, comment_id: int, parent: int, post_date: str, kind="") -> str:
    """One <wp:comment>; some websites carry the bare & WordPress leaves."""
    status = rng.choices(["1", "0", "spam"], [90, 7, 3])[0]
    website = (
        f"https://site{comment_id}.example.org/?a=1&b=2"
        if comment_id % 50 == 0
        else f"https://site{comment_id}.example.org/"
    )
    text = sentence(rng, "en", rng.randint(8, 30))
    return f"""
		<wp:comment>
			<wp:comment_id>{comment_id}</wp:comment_id>
			<wp:comment_author>{cdata(f"Reader {comment_id % 5000}")}</wp:comment_author>
			<wp:comment_author_email>{cdata(f"r{comment_id % 5000}@example.org")}</wp:comment_author_email>
			<wp:comment_author_url>{website}</wp:comment_author_url>
			<wp:comment_author_IP>{cdata(f"192.0.2.{comment_id % 250}")}</wp:comment_author_IP>
			<wp:comment_date>{cdata(post_date)}</wp:comment_date>
			<wp:comment_date_gmt>{cdata(post_date)}</wp:comment_date_gmt>
			<wp:comment_content>{cdata(text)}</wp:comment_content>
			<wp:comment_approved>{cdata(status)}</wp:comment_approved>
			<wp:comment_type>{cdata(kind)}</wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>"""  # noqa: E501


def write_export(path: Path, posts: int, comments: int, seed: int = 1) -> None:
    """The export file: terms, then posts with their comments, streamed to disk."""
    rng = random.Random(seed)
    categories = [("activities", ""), ("rights", "activities")]
    categories += [(f"topic-{n}", "rights") for n in range(30)]
    categories += [(f"campaign-{n}", "") for n in range(20)]
    tags = [f"tag-{n}" for n in range(300)]
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"\n'
            '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n<channel>\n'
            f"\t<title>Bench site</title>\n\t<link>{OLD}</link>\n"
            "\t<language>en-US</language>\n\t<wp:wxr_version>1.2</wp:wxr_version>\n"
            f"\t<wp:base_site_url>{OLD}</wp:base_site_url>\n"
            f"\t<wp:base_blog_url>{OLD}</wp:base_blog_url>\n"
        )
        for number, (slug, parent) in enumerate(categories, 1):
            out.write(
                f"\t<wp:category><wp:term_id>{number}</wp:term_id>"
                f"<wp:category_nicename>{cdata(slug)}</wp:category_nicename>"
                f"<wp:category_parent>{cdata(parent)}</wp:category_parent>"
                f"<wp:cat_name>{cdata(slug.replace('-', ' ').title())}</wp:cat_name>"
                "</wp:category>\n"
            )
        for number, slug in enumerate(tags, 1000):
            out.write(
                f"\t<wp:tag><wp:term_id>{number}</wp:term_id>"
                f"<wp:tag_slug>{cdata(slug)}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(slug.title())}</wp:tag_name></wp:tag>\n"
            )
        comment_id = 0
        per_post, extra = divmod(comments, posts)
        for number in range(1, posts + 1):
            language = rng.choices(["en", "hy", "ru"], [6, 3, 1])[0]
            title = sentence(rng, language, 6)[:-1]
            slug = f"post-{number}"
            day = (
                f"20{10 + number % 14:02d}-{1 + number % 12:02d}-{1 + number % 28:02d}"
            )
            date = f"{day} 10:{number % 60:02d}:00"
            status = rng.choices(["publish", "draft", "future"], [95, 4, 1])[0]
            terms = "".join(
                f'\n\t\t<category domain="category" nicename="{c}">'
                f"{cdata(c.title())}</category>"
                for c, _ in rng.sample(categories[2:], 2)
            ) + "".join(
                f'\n\t\t<category domain="post_tag" nicename="{t}">'
                f"{cdata(t.title())}</category>"
                for t in rng.sample(tags, 3)
            )
            thread = []
            count = per_post + (1 if number <= extra else 0)
            ids: list[int] = []
            for _ in range(count):
                comment_id += 1
                parent = rng.choice(ids[-4:]) if ids and rng.random() < 0.5 else 0
                kind = "pingback" if comment_id % 97 == 0 else ""
                thread.append(comment_xml(rng, comment_id, parent, date, kind))
                ids.append(comment_id)
            out.write(
                f"""	<item>
		<title>{cdata(title)}</title>
		<link>{OLD}/{day.replace("-", "/")}/{slug}/</link>
		<pubDate>Tue, 19 Sep 2023 10:00:00 +0000</pubDate>
		<dc:creator>{cdata("admin")}</dc:creator>
		<guid isPermaLink="false">{OLD}/?p={number}</guid>
		<description></description>
		<content:encoded>{cdata(body(rng, language, number))}</content:encoded>
		<excerpt:encoded>{cdata("")}</excerpt:encoded>
		<wp:post_id>{number}</wp:post_id>
		<wp:post_date>{cdata(date)}</wp:post_date>
		<wp:post_date_gmt>{cdata(date)}</wp:post_date_gmt>
		<wp:comment_status>{cdata("open")}</wp:comment_status>
		<wp:post_name>{cdata(slug)}</wp:post_name>
		<wp:status>{cdata(status)}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>{cdata("post")}</wp:post_type>
		<wp:post_password>{cdata("")}</wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>{terms}
		<wp:postmeta>
			<wp:meta_key>{cdata("views")}</wp:meta_key>
			<wp:meta_value>{cdata(str(rng.randrange(5000)))}</wp:meta_value>
		</wp:postmeta>{"".join(thread)}
	</item>
"""
            )
        out.write("</channel>\n</rss>\n")


def flask(url: str, *args: str) -> tuple[float, float, int, str]:
    """Run a flask command on the database at url: seconds, CPU seconds, peak KiB
    and its output."""
    env = os.environ | {"NGO_DATABASE_URL": url}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *FLASK, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - started
    if result.returncode:
        sys.exit(
            f"flask {args[0]} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}"
        )
    _, cpu, _, peak = result.stderr.strip().splitlines()[-1].split()
    return took, float(cpu), int(peak), result.stdout


def run_backend(backend: str, export: Path) -> dict:
    """Upgrade, import, import again on a scratch database of this backend."""
    with Database(backend) as database:
        flask(database.url, "db", "upgrade")
        first, first_cpu, first_peak, report = flask(
            database.url, "import-wordpress", str(export)
        )
        again, again_cpu, again_peak, second = flask(
            database.url, "import-wordpress", str(export)
        )
    lines = [line for line in report.splitlines() if line[:1] != " "]
    return {
        "backend": backend,
        "import_seconds": round(first, 1),
        "import_cpu_seconds": round(first_cpu, 1),
        "import_peak_mb": round(first_peak / 1024),
        "again_seconds": round(again, 1),
        "again_cpu_seconds": round(again_cpu, 1),
        "again_peak_mb": round(again_peak / 1024),
        "report": lines,
        "report_again": [line for line in second.splitlines() if line[:1] != " "],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument(
        "--backends", default="sqlite,postgresql", help="Comma-separated."
    )
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    export = RESULTS / f"wordpress-{args.posts}-{args.comments}.xml"
    started = time.perf_counter()
    write_export(export, args.posts, args.comments)
    size = export.stat().st_size / 1e6
    print(
        f"Export: {args.posts:,} posts, {args.comments:,} comments, {size:.0f} MB "
        f"(written in {time.perf_counter() - started:.1f} s)"
    )
    results = []
    try:
        for backend in args.backends.split(","):
            result = run_backend(backend, export)
            results.append(result)
            print(
                f"{backend:<11} import {result['import_seconds']:>6.1f} s "
                f"(CPU {result['import_cpu_seconds']:.1f} s) "
                f"{result['import_peak_mb']:>4} MB   again "
                f"{result['again_seconds']:>6.1f} s "
                f"(CPU {result['again_cpu_seconds']:.1f} s) "
                f"{result['again_peak_mb']:>4} MB"
            )
            for line in result["report"]:
                print(f"    {line}")
    finally:
        export.unlink(missing_ok=True)
    (RESULTS / "wordpress_import.json").write_text(
        json.dumps(
            {"posts": args.posts, "comments": args.comments, "results": results},
            indent=2,
            ensure_ascii=False,
        )
    )
    slow = [
        r
        for r in results
        if r["import_seconds"] > TARGET_SECONDS or r["import_peak_mb"] > TARGET_MB
    ]
    if slow:
        sys.exit(f"Over target ({TARGET_SECONDS} s, {TARGET_MB} MB): {slow}")


if __name__ == "__main__":
    main()
