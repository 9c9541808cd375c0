"""Read a large generated WordPress export and watch the reader's memory stay flat.

    .venv/bin/python bench/wordpress_reader.py [--items 50000] [--convert 0]
        [--limit-mb 150]

It writes a WXR file of `--items` posts (each a three-paragraph Gutenberg body
of about 5 KB, two comments, one with an unescaped "&" in its website, as
WordPress writes them) to a temporary folder, reads it with
ngo.wordpress.wxr.Export, and prints the resident memory (VmRSS) every tenth
of the way, the time taken, and what was read. With --convert N it also
converts the first N bodies (ngo.wordpress.content.convert) and prints the
time per post. It exits 1 when the largest resident size is over --limit-mb.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ngo.wordpress.content import convert  # noqa: E402
from ngo.wordpress.wxr import Export, Item  # noqa: E402

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>https://ngo.example.am</link><language>hy-AM</language>
<wp:base_site_url>https://ngo.example.am</wp:base_site_url>
<wp:base_blog_url>https://ngo.example.am</wp:base_blog_url>
"""
PARAGRAPH = (
    "<!-- wp:paragraph -->\n<p>"
    + "Human rights defenders call for an independent investigation. " * 25
    + "</p>\n<!-- /wp:paragraph -->\n"
)


def write_export(path: Path, items: int) -> None:
    """Write an export of this many posts, two comments each."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for n in range(items):
            out.write(
                f"""<item><title><![CDATA[Statement {n} &amp; appeal]]></title>
<link>https://ngo.example.am/2023/09/19/statement-{n}/</link>
<content:encoded><![CDATA[{PARAGRAPH * 3}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{n + 1}</wp:post_id>
<wp:post_date><![CDATA[2023-09-19 14:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[2023-09-19 10:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[statement-{n}]]></wp:post_name>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
<wp:postmeta><wp:meta_key><![CDATA[views]]></wp:meta_key>
<wp:meta_value><![CDATA[{n}]]></wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>{2 * n + 1}</wp:comment_id>
<wp:comment_author><![CDATA[Reader]]></wp:comment_author>
<wp:comment_author_url>https://a.example.org/?x=1&y={n}</wp:comment_author_url>
<wp:comment_content><![CDATA[Agreed & signed.]]></wp:comment_content>
<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
<wp:comment_parent>0</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>{2 * n + 2}</wp:comment_id>
<wp:comment_author><![CDATA[Other]]></wp:comment_author>
<wp:comment_content><![CDATA[A reply.]]></wp:comment_content>
<wp:comment_approved><![CDATA[0]]></wp:comment_approved>
<wp:comment_parent>{2 * n + 1}</wp:comment_parent></wp:comment>
</item>
"""
            )
        out.write("</channel></rss>\n")


def resident_mb() -> int:
    """This process's resident memory now, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--convert", type=int, default=0)
    parser.add_argument("--limit-mb", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xml"
        write_export(path, args.items)
        export = Export(path)
        size = export.size / 1e6
        print(f"{args.items} posts, {size:.0f} MB; before: {resident_mb()} MB")
        started = time.perf_counter()
        items = comments = 0
        converting = 0.0
        step = max(1, args.items // 10)
        for entry in export:
            if not isinstance(entry, Item):
                continue
            items += 1
            comments += len(entry.comments)
            if items <= args.convert:
                began = time.perf_counter()
                convert(entry.content, site=export.site, trailing_signatories=True)
                converting += time.perf_counter() - began
            if items % step == 0:
                share = 100 * export.position // export.size
                print(
                    f"  {items:>7} posts ({share:>3}% of the file): {resident_mb()} MB"
                )
        took = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(
            f"read {items} posts, {comments} comments in {took:.1f} s; "
            f"largest resident size {peak} MB; {export.recovered} repairs"
        )
        if args.convert:
            done = min(args.convert, items)
            print(f"converted {done} bodies: {1000 * converting / done:.2f} ms a post")
    return 1 if peak > args.limit_mb else 0


if __name__ == "__main__":
    sys.exit(main())
