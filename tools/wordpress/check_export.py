"""Check make_site.php's output: its promised links, and which export is well-formed."""

import json
import sys
from pathlib import Path

from lxml import etree

WP = "{http://wordpress.org/export/1.2/}"


def main(out: Path) -> None:
    """Fail loudly when the exports and expected.json disagree."""
    expected = json.loads((out / "expected.json").read_text())
    tree = etree.parse(str(out / "export.xml"))  # strict: raises when not well-formed
    links = {
        int(item.findtext(f"{WP}post_id")): item.findtext("link")
        for item in tree.iter("item")
    }
    for entry in expected["posts"] + expected["pages"]:
        if links.get(entry["id"]) != entry["link"]:
            found = links.get(entry["id"])
            sys.exit(f"link of {entry['id']}: export {found}, expected {entry['link']}")
    amp = (out / "export-ampersand.xml").read_bytes()
    if expected["ampersand"]["exporter_wrote"].encode() not in amp:
        sys.exit("export-ampersand.xml does not hold the bare '&' website")
    try:
        etree.fromstring(amp)
    except etree.XMLSyntaxError as error:
        print(f"export-ampersand.xml is not well-formed, as expected: {error}")
    else:
        sys.exit(
            "export-ampersand.xml is well-formed: WordPress escaped the '&' after all"
        )
    print(f"checked {len(links)} items: links match expected.json")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
