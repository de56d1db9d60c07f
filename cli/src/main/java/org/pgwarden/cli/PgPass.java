package org.pgwarden.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The password file, read as libpq's passwordFromFile reads it. pgjdbc's PgPassParser
 * matches lines the same way but differs where it matters here: it reads a file anyone may
 * read, looks up a host list as one string, and knows no socket directory.
 */
final class PgPass {

    /** Where libpq on Debian and Ubuntu looks for the server's socket by default. */
    static final String DEFAULT_SOCKET_DIR = "/var/run/postgresql";

    private static final Set<PosixFilePermission> GROUP_OR_WORLD = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PgPass() {
    }

    /** Group read: what a systemd credential's access ACL shows as in the mode. */
    private static final Set<PosixFilePermission> ACL_MASK_READ = EnumSet.of(
            PosixFilePermission.GROUP_READ);

    /**
     * The password of the first line that matches, or null. {@code host} is the host name,
     * else the host address, else empty for the default socket directory;
     * {@code credentialsDirectory} is systemd's CREDENTIALS_DIRECTORY, or null.
     */
    static String lookup(Path file, String host, String port, String dbname, String user,
            String credentialsDirectory, PrintStream warnings) {
        if (!Files.exists(file)) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            warnings.println("WARNING: password file \"" + file + "\" is not a plain file");
            return null;
        }
        List<String> lines;
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> tolerated = isCredential(file, credentialsDirectory)
                    ? ACL_MASK_READ : Set.of();
            if (mode.stream().anyMatch(m -> GROUP_OR_WORLD.contains(m)
                    && !tolerated.contains(m))) {
                // libpq ignores such a file rather than use a password others may read.
                warnings.println("WARNING: password file \"" + file + "\" has group or world"
                        + " access; permissions should be u=rw (0600) or less");
                return null;
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        // "localhost" stands for a connection through the default socket directory.
        String key = host.isEmpty() || host.equals(DEFAULT_SOCKET_DIR) ? "localhost" : host;
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String rest = line;
            for (String value : new String[] {key, port, dbname, user}) {
                rest = matchField(rest, value);
                if (rest == null) {
                    break;
                }
            }
            if (rest != null) {
                return unescape(rest);
            }
        }
        return null;
    }

    /**
     * Whether {@code file} lies directly in systemd's credentials directory. systemd 256 and
     * later write a credential (LoadCredential=) root-owned, mode 0400, and grant the
     * service's user read access with a POSIX ACL; the ACL's mask then shows as the group
     * bits (0440), yet no group member may read it: the ACL names the service's user alone,
     * and the directory is the service's own. libpq's rule ("group or world access", checked
     * on the mode bits alone) would refuse the very file a hardened unit is meant to use,
     * so there a group read bit is tolerated; group write and any world bit still refuse.
     */
    private static boolean isCredential(Path file, String credentialsDirectory) {
        if (credentialsDirectory == null || credentialsDirectory.isEmpty()) {
            return false;
        }
        Path parent = file.toAbsolutePath().normalize().getParent();
        return parent != null
                && parent.equals(Paths.get(credentialsDirectory).toAbsolutePath().normalize());
    }

    /** What follows the field and its ":" when the field is "*" or equals value, else null. */
    private static String matchField(String line, String value) {
        if (line.startsWith("*:")) {
            return line.substring(2);
        }
        int i = 0;
        for (int v = 0; v < value.length(); v++) {
            if (i >= line.length()) {
                return null;
            }
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                c = line.charAt(++i);
            }
            if (c != value.charAt(v)) {
                return null;
            }
            i++;
        }
        return i < line.length() && line.charAt(i) == ':' ? line.substring(i + 1) : null;
    }

    /** The password field: up to an unescaped ":", each "\x" read as "x". */
    private static String unescape(String field) {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < field.length() && field.charAt(i) != ':'; i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 1 < field.length()) {
                c = field.charAt(++i);
            }
            password.append(c);
        }
        return password.toString();
    }
}
