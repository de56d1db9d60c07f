package org.pgwarden.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service's section of the connection service files, read as libpq reads them: the
 * user's file (PGSERVICEFILE, else ~/.pg_service.conf) first and, when the service is not
 * there, the system-wide PGSYSCONFDIR/pg_service.conf. pgjdbc's own reader differs: it
 * consults the system file only when the user's is missing, and takes only its own
 * property names, so it refuses connect_timeout or application_name.
 */
final class ServiceFile {

    /** libpq's compiled-in SYSCONFDIR on Debian and Ubuntu (postgresql-common). */
    private static final String DEFAULT_SYSCONFDIR = "/etc/postgresql-common";

    private ServiceFile() {
    }

    /** The keywords of service {@code name}; an error when no file defines it. */
    static Map<String, String> lookup(String name, Map<String, String> env)
            throws UsageException {
        String userFile = env.get("PGSERVICEFILE");
        Path user = userFile != null ? Paths.get(userFile)
                : UserHome.of(env).resolve(".pg_service.conf");
        Map<String, String> found = read(user, name);
        if (found != null) {
            return found;
        }
        Path system = Paths.get(env.getOrDefault("PGSYSCONFDIR", DEFAULT_SYSCONFDIR),
                "pg_service.conf");
        found = read(system, name);
        if (found != null) {
            return found;
        }
        throw new UsageException("definition of service \"" + name + "\" not found (looked in "
                + user + " and " + system + ")");
    }

    /** The section's keywords, or null when the file or the section is missing. */
    private static Map<String, String> read(Path file, String name) throws UsageException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("could not read service file \"" + file + "\": "
                    + e.getMessage());
        }
        Map<String, String> section = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (section != null) {
                    return section;
                }
                if (line.equals("[" + name + "]")) {
                    section = new LinkedHashMap<>();
                }
                continue;
            }
            if (section == null) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw syntax(file, i);
            }
            // As libpq: no space around "=" is trimmed inside the line.
            String keyword = line.substring(0, equals);
            if (keyword.equals("service")) {
                throw new UsageException("nested service specifications not supported in"
                        + " service file \"" + file + "\", line " + (i + 1));
            }
            Keywords.check(keyword, "service file \"" + file + "\", line " + (i + 1));
            // The first setting of a keyword wins, as in libpq.
            section.putIfAbsent(keyword, line.substring(equals + 1));
        }
        return section;
    }

    private static UsageException syntax(Path file, int index) {
        return new UsageException("syntax error in service file \"" + file + "\", line "
                + (index + 1));
    }
}
