#!/usr/bin/env bash
# Builds a trimmed Java runtime for PL/Java on the database server (jlink), holding only the
# Java modules PL/Java and pgwarden use plus PL/Java's own two modules, then the
# class-data-sharing archive for it (install/cds-archive.sh), checks that a new session
# starts with both and that PL/Java still enforces its security policy, and prints the
# three settings that use them. Run it ON THE DATABASE SERVER (it reads the server's JDK
# and PL/Java jars from local paths and writes the runtime there), as root or as the
# server's OS account, with the libpq variables (PGHOST, PGPORT, PGDATABASE, PGUSER, ...)
# naming that server as a superuser, after install/install.sh. See install/vmoptions.md.
#
# Why: a backend's JVM otherwise resolves its boot module layer from PL/Java's jars on
# --module-path and all 70 modules of the JDK (binding services across them), and PL/Java's
# start registers the platform MBeans of every management module present. In a runtime of
# ten modules with PL/Java's own inside, and with pljava.module_path set to '' so that no
# --module-path is given, the JVM resolves ten modules from descriptors jlink compiled into
# the runtime instead of reading and scanning jars: creating it takes about half as long
# (~50 to ~25 ms), and PL/Java's own start after it is shorter too. With the archive, a
# cold call takes about half the time it takes with PL/Java's defaults
# (install/vmoptions.md has the measurements).
#
# This script does not build, download or change PL/Java: it links the jars of the PL/Java
# package already installed (pljava.module_path, or PL/Java's default location) into a new
# runtime image with the JDK's own jlink. The JDK must include its jmods directory
# (Debian/Ubuntu: openjdk-17-jdk-headless; RHEL/Fedora: java-17-openjdk-jmods).
#
# RERUN IT after every update of the server's Java or of the PL/Java package: the image is a
# COPY of the JDK (Java security updates do not reach it until it is rebuilt) and of
# PL/Java's Java code (PL/Java's native library must run with the Java code of its own
# version). Every run links a new directory (named for the Java and PL/Java versions and
# the time) with an archive of its own beside it, and replaces nothing, so sessions running
# an older image are undisturbed; set the printed settings, reload, and once no session runs
# the old image any more, delete its directory and archive. If a check fails, the new
# directory is removed and the settings in force stay as they were.
#
# Usage: bash install/jvm-image.sh [DIRECTORY [ARCHIVE]]
#   DIRECTORY  where to create the image's directory (on the server, readable by its OS
#              account, writable by nobody else); default: beside the data directory
#   ARCHIVE    the CDS archive (absolute path on the server, in a directory the server's OS
#              account can write); default: the image's directory name with .jsa
# Environment:
#   PGWARDEN_JAVA_HOME           the JDK to link from; default: the one pljava.libjvm_location
#                                names (or, when that is already such an image, its source)
#   PGWARDEN_PLJAVA_MODULE_PATH  PL/Java's jars (':'-separated); default: pljava.module_path,
#                                or PL/Java's default location when that is ''
#   PGWARDEN_ADD_MODULES         more modules (comma-separated) for other Java code in the
#                                database; whatever `--add-modules` in pljava.vmoptions names
#                                must be listed here too, since the image holds nothing else
#   PGWARDEN_VMOPTIONS           the other pljava.vmoptions (see install/cds-archive.sh);
#                                default: pgwarden's recommended ones
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=install/common.sh
source "$here/common.sh"

# pgwarden's recommended options (install/vmoptions.md), and one more for this runtime: a
# method-handle LambdaForm is interpreted for its first 30 calls instead of being compiled
# to a class at once, so most of the ~140 forms a start creates are never compiled.
readonly RECOMMENDED="$RECOMMENDED_VMOPTIONS \
-Djava.lang.invoke.MethodHandle.COMPILE_THRESHOLD=30"

# PL/Java's implementation module; jlink adds what it requires (java.base, java.sql and
# java.xml, java.logging, java.management, java.compiler, ...). jdk.charsets holds the
# character sets java.base lacks (EUC_JP, SJIS, BIG5, ...), for any server encoding.
readonly BASE_MODULES="org.postgresql.pljava.internal,jdk.charsets"

options=${PGWARDEN_VMOPTIONS:-$RECOMMENDED}
require_pgwarden
[ -f "$here/cds-archive.sh" ] || die "install/cds-archive.sh not found next to this script"

# PL/Java's settings are known once it is loaded in the session: a PL/Java call loads it.
settings=$(sql -F '|' <<'SQL'
\o /dev/null
SELECT sqlj.get_classpath('warden');
\o
SELECT current_setting('pljava.libjvm_location'),
       current_setting('pljava.module_path'),
       (SELECT default_version FROM pg_available_extensions WHERE name = 'pljava'),
       (SELECT extversion FROM pg_extension WHERE extname = 'pljava'),
       (SELECT setting FROM pg_config WHERE name = 'SHAREDIR'),
       current_setting('data_directory');
SQL
) || die "could not start PL/Java with the current settings (above)"
IFS='|' read -r libjvm module_path pljava_version pljava_installed sharedir datadir \
    <<<"$settings"
[ "$pljava_version" = "$pljava_installed" ] ||
    die "PL/Java $pljava_version is installed but the database still has $pljava_installed:" \
        "run ALTER EXTENSION pljava UPDATE first"

# The JDK to link from. When pljava.libjvm_location already names an image from this
# script, its source JDK is recorded in the image.
java_home=${PGWARDEN_JAVA_HOME:-}
if [ -z "$java_home" ]; then
    current_image=$(cd "$(dirname "$libjvm")/../.." 2>/dev/null && pwd) ||
        die "pljava.libjvm_location ($libjvm) is not a local path: run this on the" \
            "database server, or set PGWARDEN_JAVA_HOME"
    if [ -f "$current_image/pgwarden-jre.info" ]; then
        java_home=$(sed -n 's/^java_home=//p' "$current_image/pgwarden-jre.info")
    else
        java_home=$current_image
    fi
fi
[ -x "$java_home/bin/jlink" ] ||
    die "no jlink in $java_home/bin: install the JDK (not only the JRE), or set" \
        "PGWARDEN_JAVA_HOME"
[ -f "$java_home/jmods/java.base.jmod" ] ||
    die "$java_home has no jmods: install them (Debian/Ubuntu: openjdk-NN-jdk-headless;" \
        "RHEL/Fedora: java-NN-openjdk-jmods)"
java_version=$("$java_home/bin/jlink" --version) ||
    die "$java_home/bin/jlink does not run (above)"
[ "${java_version%%.*}" -ge 17 ] 2>/dev/null ||
    die "Java $java_version: jlink --generate-cds-archive needs Java 17 or later"

# PL/Java's jars: those the server loads now (pljava.module_path), or, when that is ''
# because an image from this script is in use, the installed package's at PL/Java's
# default location.
jars=${PGWARDEN_PLJAVA_MODULE_PATH:-$module_path}
if [ -z "$jars" ]; then
    jars="$sharedir/pljava/pljava-$pljava_version.jar"
    jars+=":$sharedir/pljava/pljava-api-$pljava_version.jar"
fi
IFS=: read -r -a jar_list <<<"$jars"
for jar in "${jar_list[@]}"; do
    [ -f "$jar" ] || die "PL/Java jar $jar not found here: run this on the database server"
done
linked_version=$("$java_home/bin/jar" --describe-module --file "${jar_list[0]}" |
    sed -n '1s/^org\.postgresql\.pljava[^@]*@\([^ ]*\).*/\1/p') ||
    die "cannot read the module of ${jar_list[0]} (above)"
[ "$linked_version" = "$pljava_version" ] ||
    die "${jar_list[0]} is PL/Java '$linked_version', the server has $pljava_version:" \
        "set PGWARDEN_PLJAVA_MODULE_PATH"

modules=$BASE_MODULES${PGWARDEN_ADD_MODULES:+,$PGWARDEN_ADD_MODULES}
parent=${1:-$(dirname "$datadir")}
[ -d "$parent" ] || die "$parent is not a directory here: run this on the database server"
parent=$(cd "$parent" && pwd)
image="$parent/pgwarden-jre-$java_version-pljava-$pljava_version-$(date -u +%Y%m%d%H%M%S)"
archive=${2:-$image.jsa}
case $image$archive in
    *"'"* | *" "*) die "quotes and spaces are not allowed in the paths" ;;
esac
case $archive in
    /*) ;;
    *) die "the archive must be an absolute path on the database server: $archive" ;;
esac
[ ! -e "$image" ] || die "$image exists already: run the script again in a second"

# Until every check below has passed, the new directory is removed on any exit.
trap 'rm -rf "$image"' EXIT
umask 022
"$java_home/bin/jlink" --module-path "$jars" --add-modules "$modules" \
    --output "$image" --no-header-files --no-man-pages --generate-cds-archive \
    >/dev/null || die "jlink failed (above)"
# jlink copies the JDK's configuration as shipped in its jmods; take the server's own
# instead (Debian links conf/ to /etc/java-NN-openjdk, which an administrator may have
# edited: java.security, java.policy, which PL/Java's policy extends, ...), and its CA
# certificates.
cp -RL "$java_home/conf/." "$image/conf/"
if [ -f "$java_home/lib/security/cacerts" ]; then
    cp -L "$java_home/lib/security/cacerts" "$image/lib/security/cacerts"
fi
{
    echo "# built by pgwarden install/jvm-image.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "java_home=$java_home"
    echo "java_version=$java_version"
    echo "pljava_version=$pljava_version"
    echo "modules=$modules"
    for jar in "${jar_list[@]}"; do
        echo "jar=$(sha256sum "$jar")"
    done
} >"$image/pgwarden-jre.info"

new_libjvm="$image/lib/server/libjvm.so"
# The server must see the same file: proof that this machine is the database server.
size=$(sql -v f="$new_libjvm" <<'SQL'
SELECT coalesce((SELECT size FROM pg_stat_file(:'f', true)), -1)
SQL
) || die "cannot ask the server for $new_libjvm (above)"
[ "$size" = "$(stat -c %s "$new_libjvm")" ] ||
    die "the server cannot read $new_libjvm: run this on the database server, in a" \
        "directory its OS account can read"

# The CDS archive for this runtime, written by a backend that runs it (cds-archive.sh
# checks that a new session maps it with -Xshare:on). Its training session must start a
# JVM: it archives the classes the JVM loaded when the session ends.
built=$(PGOPTIONS="$PGOPTIONS -c pljava.libjvm_location=$new_libjvm -c pljava.module_path=" \
    PGWARDEN_VMOPTIONS="$options" bash "$here/cds-archive.sh" "$archive") ||
    die "building the class-data-sharing archive failed (above)"
echo "${built%%$'\n'*}"
final="$options -XX:SharedArchiveFile=$archive"

# PL/Java's policy must still hold: sandboxed (LANGUAGE java) code may read java.version
# but not java.home. The functions are temporary and live only in this session.
case " $final " in
    *" -Djava.security.manager=disallow "*)
        echo "jvm-image.sh: not checking policy enforcement: the options disallow it" ;;
    *)
        PGOPTIONS="$PGOPTIONS -c pljava.libjvm_location=$new_libjvm -c pljava.module_path=" \
        sql -v vmoptions="$final" >/dev/null <<'SQL' ||
SET pljava.vmoptions TO :'vmoptions';
CREATE FUNCTION pg_temp.pgwarden_property(text) RETURNS text
    LANGUAGE java AS 'java.lang.System.getProperty';
SELECT pg_temp.pgwarden_property('java.version');
DO $$
BEGIN
    PERFORM pg_temp.pgwarden_property('java.home');
    RAISE EXCEPTION 'sandboxed Java code could read java.home';
EXCEPTION WHEN others THEN
    IF SQLERRM NOT LIKE '%access denied%' THEN
        RAISE;
    END IF;
END
$$;
SQL
        die "PL/Java does not run or does not enforce its policy with the new runtime" \
            "(above): keep the current settings"
        echo "jvm-image.sh: checked that PL/Java enforces its policy with the new runtime" ;;
esac

trap - EXIT
echo "jvm-image.sh: built $image (Java $java_version, PL/Java $pljava_version)"
echo "Set these three together in postgresql.conf (all databases) and reload (SELECT"
echo "pg_reload_conf()); pljava.module_path = '' only works with this libjvm_location:"
echo
echo "pljava.libjvm_location = '$new_libjvm'"
echo "pljava.module_path = ''"
echo "pljava.vmoptions = '$final'"
