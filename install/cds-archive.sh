#!/usr/bin/env bash
# Builds a class-data-sharing (AppCDS) archive of the classes a pgwarden call loads (the
# JVM's, PL/Java's and pgwarden's) on the server named by the libpq variables (PGHOST,
# PGPORT, PGDATABASE, PGUSER, ...), checks that a new session starts with it, and prints the
# pljava.vmoptions line that uses it. Run it as a superuser after install/install.sh, and
# again after upgrading pgwarden, PL/Java or the server's Java (a stale archive is ignored
# in part or whole, never harmful). See install/vmoptions.md.
#
# Usage: bash install/cds-archive.sh [ARCHIVE]
#   ARCHIVE  absolute path on the database server, in a directory the server's OS account
#            can write; default: pgwarden-pljava.jsa beside the data directory
# Environment:
#   PGWARDEN_VMOPTIONS  the other pljava.vmoptions to use with the archive (it must be built
#                       with the options it is used with); default: pgwarden's recommended
#
# The archive is written by a server backend as it exits (HotSpot's dynamic archive,
# -XX:ArchiveClassesAtExit, Java 13 or later), so nothing is copied from this machine.
set -euo pipefail

# shellcheck source=install/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

options=${PGWARDEN_VMOPTIONS:-$RECOMMENDED_VMOPTIONS}
require_pgwarden

archive=${1:-}
if [ -z "$archive" ]; then
    datadir=$(sql -c "SHOW data_directory")
    archive="$(dirname "$datadir")/pgwarden-pljava.jsa"
fi
case $archive in
    /*) ;;
    *) die "the archive must be an absolute path on the database server: $archive" ;;
esac
case "$archive$options" in
    *"'"* | *" "/*) die "quotes are not allowed in the archive path or the options" ;;
esac

started=$(sql -c "SELECT extract(epoch FROM clock_timestamp())")

# A session of the script's own, idle in transaction, so that the training's dry runs go
# through the code that selects, checks and reports a target too, not only the code that
# finds none. Dry runs signal nothing and write no audit rows; other sessions they see are
# only listed in the training's discarded output.
printf 'BEGIN;\nSELECT 1;\n\\! sleep 30\n' |
    PGAPPNAME=pgwarden-cds-training psql -X -q >/dev/null 2>&1 &
holder=$!
trap 'kill "$holder" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    [ "$(sql -c "SELECT count(*) FROM pg_stat_activity
                 WHERE application_name = 'pgwarden-cds-training'
                   AND state = 'idle in transaction'")" -ge 1 ] && break
    sleep 0.1
done

# A training session: the JVM starts with the options the archive will be used with, every
# Java entry point runs once without acting on anything (dry runs, or a threshold no session
# reaches), and the JVM writes the archive when the session ends. The *_json entry points
# are called directly: the SQL functions answer a run with nothing to do without Java.
sql -v vmoptions="$options -XX:ArchiveClassesAtExit=$archive" >/dev/null <<'SQL' ||
SET pljava.vmoptions TO :'vmoptions';
SELECT sqlj.get_classpath('warden');
SELECT length(warden.reap_idle_in_tx_json('1 millisecond', true, false));
SELECT length(warden.cancel_long_running_json('3650 days', false, '5 seconds', true));
SELECT length(warden.terminate_blockers_json('3650 days', '5 seconds', true));
SELECT length(warden.end_long_transactions_json('1 millisecond', '5 seconds', true));
SELECT length(warden.enforce_json(true));
SQL
    die "the training session failed (above); is the directory of $archive writable" \
        "by the server's OS account?"
kill "$holder" 2>/dev/null || true

# The backend writes the archive after the session closed; wait until it is complete.
last=-1
for _ in $(seq 1 100); do
    size=$(sql -v archive="$archive" -v started="$started" <<'SQL'
SELECT coalesce((SELECT size FROM pg_stat_file(:'archive', true)
                 WHERE extract(epoch FROM modification) >= floor(:'started'::numeric)), -1)
SQL
) || die "cannot look at $archive on the server (above): choose a directory the server's" \
        "OS account can write"
    if [ "$size" -gt 0 ] && [ "$size" = "$last" ]; then
        break
    fi
    last=$size
    sleep 0.3
done
[ "$size" -gt 0 ] ||
    die "the server wrote no archive at $archive: see the server log (a directory the" \
        "server's OS account cannot write, or a JVM older than Java 13)"

# -Xshare:on makes the JVM fail rather than run without the archive: proof it maps. With
# address-space layout randomisation a mapping can fail now and then, so try thrice.
final="$options -XX:SharedArchiveFile=$archive"
verified=no
for _ in 1 2 3; do
    if sql -v vmoptions="$final -Xshare:on" >/dev/null 2>&1 <<'SQL'
SET pljava.vmoptions TO :'vmoptions';
SELECT length(warden.reap_idle_in_tx_json('3650 days', true, false));
SQL
    then
        verified=yes
        break
    fi
done
[ $verified = yes ] ||
    die "a session could not start its JVM with the archive $archive (-Xshare:on):" \
        "see the server log"

echo "cds-archive.sh: wrote $archive ($((size / 1024)) kB) and checked that a session starts" \
    "with it"
echo "Set this in postgresql.conf (all databases) and reload (SELECT pg_reload_conf()):"
echo
echo "pljava.vmoptions = '$final'"
