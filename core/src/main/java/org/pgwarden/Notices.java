package org.pgwarden;

import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The NOTICEs the core raises, for a client that shows them. Over pgjdbc a NOTICE becomes a
 * warning of the statement that raised it, and the core closes that statement at once: a
 * caller that wants them (the runner; psql shows every NOTICE) collects them here, around
 * its call, on its own thread. Inside the server nothing collects: the server sends them.
 */
public final class Notices {

    private static final ThreadLocal<List<String>> SINK = new ThreadLocal<>();

    private Notices() {
    }

    /** Starts collecting on this thread; {@link #drain} returns and stops. */
    public static void collect() {
        SINK.set(new ArrayList<>());
    }

    /** The notices collected since {@link #collect}, in order; stops collecting. */
    public static List<String> drain() {
        List<String> notices = SINK.get();
        SINK.remove();
        return notices == null ? List.of() : notices;
    }

    /** Keeps the warnings of {@code st}, when a caller collects. */
    static void keep(Statement st) throws SQLException {
        List<String> sink = SINK.get();
        if (sink == null) {
            return;
        }
        for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
            sink.add(w.getMessage());
        }
    }
}
