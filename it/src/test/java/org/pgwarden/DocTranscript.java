package org.pgwarden;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A psql transcript in the docs: a fenced {@code ```psql} block whose lines starting with a
 * prompt ({@code app=# }, continued by {@code app-# }) are typed and the others are what psql
 * printed, with the setup that an HTML comment just before the block gives (TESTING.md,
 * "Doc transcripts").
 *
 * @param file the Markdown file, relative to the project
 * @param line the line of the opening fence, from 1
 * @param continues whether it runs on the previous transcript's sessions and tables
 *     ({@code <!-- transcript-continue -->}) instead of a fresh start
 * @param setup the comment's setup lines ({@code sql: ...}, {@code session NAME: ...},
 *     {@code sleep: 3s})
 * @param statements what is typed at the prompt, each with the output shown after it
 */
record DocTranscript(String file, int line, boolean continues, List<String> setup,
        List<Statement> statements) {

    /** One statement typed at the prompt, without the prompt, and the lines shown after it. */
    record Statement(String sql, List<String> expected) {
    }

    static final Pattern PROMPT = Pattern.compile("^[a-z_][a-z0-9_]*([=-])# ");
    private static final String SETUP = "<!-- transcript-setup";
    private static final String CONTINUE = "<!-- transcript-continue";

    /** Every transcript of a Markdown file, in order. */
    static List<DocTranscript> parse(String file, List<String> lines) {
        List<DocTranscript> found = new ArrayList<>();
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.startsWith("```")) {
                continue;
            }
            if (inFence) {
                inFence = false;
            } else if (l.equals("```psql")) {
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).startsWith("```")) {
                    end++;
                }
                found.add(transcript(file, lines, i, end));
                i = end;
            } else {
                inFence = true;
            }
        }
        return found;
    }

    private static DocTranscript transcript(String file, List<String> lines, int fence,
            int end) {
        // The setup comment, if any, ends on the line just before the fence.
        List<String> setup = new ArrayList<>();
        boolean continues = false;
        if (fence > 0 && lines.get(fence - 1).endsWith("-->")) {
            int start = fence - 1;
            while (start > 0 && !lines.get(start).startsWith("<!--")) {
                start--;
            }
            String first = lines.get(start);
            continues = first.startsWith(CONTINUE);
            if (!continues && !first.startsWith(SETUP)) {
                throw new IllegalArgumentException(file + ":" + (start + 1)
                        + ": a comment before a psql transcript must be "
                        + SETUP + " or " + CONTINUE);
            }
            List<String> body = new ArrayList<>(lines.subList(start, fence));
            body.set(0, first.substring(continues ? CONTINUE.length() : SETUP.length()));
            int last = body.size() - 1;
            body.set(last, body.get(last).substring(0, body.get(last).length() - 3));
            for (String b : body) {
                if (!b.isBlank()) {
                    setup.add(b.strip());
                }
            }
        }
        List<Statement> statements = new ArrayList<>();
        StringBuilder sql = null;
        List<String> expected = null;
        for (int i = fence + 1; i < end; i++) {
            String l = lines.get(i);
            Matcher prompt = PROMPT.matcher(l);
            if (prompt.find()
                    && (prompt.group(1).equals("=") || sql != null && expected.isEmpty())) {
                String typed = l.substring(prompt.end());
                if (prompt.group(1).equals("=")) {
                    if (sql != null) {
                        statements.add(new Statement(sql.toString(), expected));
                    }
                    sql = new StringBuilder(typed);
                    expected = new ArrayList<>();
                } else {
                    sql.append('\n').append(typed);
                }
            } else if (sql == null) {
                throw new IllegalArgumentException(file + ":" + (i + 1)
                        + ": a psql transcript must start with a prompt (app=# )");
            } else {
                expected.add(l);
            }
        }
        if (sql != null) {
            statements.add(new Statement(sql.toString(), expected));
        }
        return new DocTranscript(file, fence + 1, continues, setup, statements);
    }

    /**
     * Values that differ from run to run, and the shape the docs may show in their place:
     * timestamps, fractional intervals (ages; whole ones, such as thresholds, must match),
     * UUIDs (run ids), and numbers that are the pid of a session the transcript knows.
     * Everything else must be equal, but for the width of psql's column padding.
     */
    private static final Pattern VOLATILE = Pattern.compile(
            "(?<time>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?"
                    + "(?:[+-]\\d{2}(?::\\d{2})?)?)"
                    + "|(?<duration>\\b\\d{2}:\\d{2}:\\d{2}\\.\\d{1,6}\\b)"
                    + "|(?<uuid>\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}"
                    + "-[0-9a-f]{12}\\b)"
                    + "|(?<number>\\b\\d+\\b)|(?<spaces> +)|(?<dashes>-{2,})");

    /**
     * The pattern an expected line must match, made from the line psql printed: each volatile
     * value becomes its shape, each run of spaces or of dashes (column padding, separator
     * lines) any run of one or more.
     */
    static Pattern shapeOf(String actual, Set<Integer> pids) {
        StringBuilder re = new StringBuilder();
        Matcher m = VOLATILE.matcher(actual.stripTrailing());
        int at = 0;
        while (m.find()) {
            re.append(Pattern.quote(actual.substring(at, m.start())));
            if (m.group("time") != null) {
                re.append("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?"
                        + "(?:[+-]\\d{2}(?::\\d{2})?)?");
            } else if (m.group("duration") != null) {
                re.append("\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?");
            } else if (m.group("uuid") != null) {
                re.append("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            } else if (m.group("number") != null) {
                boolean pid = m.group().length() < 10
                        && pids.contains(Integer.parseInt(m.group()));
                re.append(pid ? "\\d+" : Pattern.quote(m.group()));
            } else if (m.group("spaces") != null) {
                re.append(m.start() == 0 ? " *" : " +");
            } else {
                re.append("-+");
            }
            at = m.end();
        }
        re.append(Pattern.quote(actual.stripTrailing().substring(at)));
        return Pattern.compile(re.toString());
    }

    /** Null when the expected lines show what psql printed, else where they first differ. */
    static String mismatch(List<String> expected, List<String> actual, Set<Integer> pids) {
        List<String> e = trimmed(expected);
        List<String> a = trimmed(actual);
        for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
            String want = i < e.size() ? e.get(i) : "(no more lines)";
            String got = i < a.size() ? a.get(i) : "(no more lines)";
            if (i >= e.size() || i >= a.size()
                    || !shapeOf(got, pids).matcher(want.stripTrailing()).matches()) {
                return "line " + (i + 1) + " of the output differs:\n  docs: " + want
                        + "\n  psql: " + got;
            }
        }
        return null;
    }

    /** Without trailing blank lines: the docs leave out the one psql prints after a table. */
    private static List<String> trimmed(List<String> lines) {
        int n = lines.size();
        while (n > 0 && lines.get(n - 1).isBlank()) {
            n--;
        }
        return lines.subList(0, n);
    }
}
