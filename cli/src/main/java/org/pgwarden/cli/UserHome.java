package org.pgwarden.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/** The directory "~" means in ~/.pgpass and ~/.pg_service.conf. */
final class UserHome {

    private UserHome() {
    }

    /**
     * HOME when set, else the account's home: libpq prefers HOME since PostgreSQL 16, while
     * Java's user.home (which pgjdbc uses) always comes from the password database.
     */
    static Path of(Map<String, String> env) {
        String home = env.get("HOME");
        return Paths.get(home != null && !home.isEmpty() ? home : System.getProperty("user.home"));
    }
}
