#!/bin/sh
# Build a small WordPress 6.1 site in a fresh MariaDB database and export it with
# WordPress's own exporter: tests/data/wordpress/{export.xml, export-ampersand.xml,
# expected.json, uploads/}. Needs Debian's `wordpress`, php-cli, php-mysql, php-gd
# and a MariaDB server where root has an empty password. Re-runnable: the database
# is dropped and made again. CI does not run this; its outputs are committed.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$REPO/tests/data/wordpress}
DB=${WP_DB:-ngo_wordpress_export}
WP=${WP_DIR:-/usr/share/wordpress}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

mysql -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
mkdir -p "$WORK/wp-content/uploads"

# Two processes, as on a real site: the installer, then an ordinary request that writes.
php "$HERE/make_site.php" install "$WORK" "$OUT" "$DB" "$WP"
php "$HERE/make_site.php" content "$WORK" "$OUT" "$DB" "$WP"
php "$HERE/make_site.php" export "$WORK" "$OUT" "$DB" "$WP"
php "$HERE/make_site.php" ampersand "$WORK" "$OUT" "$DB" "$WP"

# The exporter's own output, checked: export.xml is well-formed XML and its <link>s
# are the ones expected.json promises; export-ampersand.xml is not well-formed.
"$REPO/.venv/bin/python" "$HERE/check_export.py" "$OUT"

# The uploads copy an editor would hand over, without the one file the site lost.
rm -rf "$OUT/uploads"
cp -r "$WORK/wp-content/uploads" "$OUT/uploads"
php -r '$e = json_decode(file_get_contents($argv[1]), true);
  foreach ($e["attachments"] as $a) { if (!$a["in_uploads_copy"]) { foreach ($a["files"] as $f) { @unlink($argv[2] . "/" . $f); } } }' \
  "$OUT/expected.json" "$OUT/uploads"
find "$OUT/uploads" -type d -empty -delete

echo "wrote $OUT:"
ls -la "$OUT"
find "$OUT/uploads" -type f | sort
