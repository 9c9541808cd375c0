"""Time the WordPress content conversion on bodies shaped to make patterns backtrack.

    .venv/bin/python bench/wordpress_content.py [--repeat 20000] [--limit-ms 1000]

Each body repeats one opening without its end (an unclosed [caption], <figure
class="wp-block-embed">, <iframe>, <!-- wp: comment …) `--repeat` times. For
each it prints the CPU time of the conversion before the sanitiser
(ngo.wordpress.content's own work: embeds, block comments, shortcodes, wpautop,
media) and of the signatory search on the result, and exits 1 when either is
over --limit-ms: the target is a time in step with the body's length.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ngo.wordpress import content  # noqa: E402
from ngo.wordpress.wxr import Site  # noqa: E402

SITE = Site("Bench", "https://ngo.example.am", "https://ngo.example.am", "", "en")
SHAPES = {
    "unclosed iframe": "<iframe src=x>",
    "unclosed embed figure": '<figure class="wp-block-embed">',
    "embed wrapper": '<figure class="wp-block-embed">'
    '<div class="wp-block-embed__wrapper">',
    "unclosed caption": '[caption id="1"]<img src=x>',
    "unclosed [embed]": "[embed]",
    "unclosed [video]": "[video src=x]",
    "unclosed [gallery": "[gallery ",
    "unclosed [youtube": "[youtube ",
    "shortcode pairs": "[a b=c]",
    "block comment start": "<!-- wp:x ",
    "more start": "<!--more ",
    "comment start": "<!--",
    "unclosed <pre>": "<pre>",
    "unclosed <a": "<a ",
    "unclosed <img": "<img ",
    "links around nothing": "<a href=x>",
    "paragraph and block": "<p><div",
    "short lines": "Name\n\n",
    "list items": "<li>x",
}


def cpu_ms(work, *args) -> tuple[float, object]:
    began = time.thread_time()
    result = work(*args)
    return 1000 * (time.thread_time() - began), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20_000)
    parser.add_argument("--limit-ms", type=float, default=1000)
    args = parser.parse_args()
    worst = 0.0
    for name, piece in SHAPES.items():
        body = piece * args.repeat
        converting, markup = cpu_ms(content._to_html, body, SITE, None, [], [], "en")
        signing, _ = cpu_ms(content.take_trailing_signatories, markup)
        worst = max(worst, converting, signing)
        print(
            f"{name:<24} {len(body) / 1000:>6.0f} KB: convert {converting:7.1f} ms, "
            f"signatories {signing:7.1f} ms"
        )
    print(f"slowest: {worst:.1f} ms (limit {args.limit_ms:.0f} ms)")
    return 1 if worst > args.limit_ms else 0


if __name__ == "__main__":
    sys.exit(main())
