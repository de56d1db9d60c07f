package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A table the benchmark prints, and its place in docs/benchmarks.md. */
final class BenchTable {

    static final String BEGIN = "<!-- benchmark results: begin (written by the benchmark) -->";
    static final String END = "<!-- benchmark results: end -->";
    /** W5's results, a section of their own. */
    static final String W5_BEGIN = "<!-- W5 results: begin (written by the benchmark) -->";
    static final String W5_END = "<!-- W5 results: end -->";

    private final String header;

    private record Row(String workload, String what, String pgwarden, String plain,
            String ratio, String target, String met) {
    }

    private final List<Row> rows = new ArrayList<>();

    /** pgwarden against plain SQL. */
    BenchTable() {
        this("pgwarden", "plain SQL");
    }

    /** {@code ours} against {@code theirs}: the columns the ratio divides. */
    BenchTable(String ours, String theirs) {
        this.header = "| workload | case | " + ours + " | " + theirs
                + " | ratio | target | met |\n| --- | --- | ---: | ---: | ---: | --- | --- |\n";
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void add(String workload, String what, String pgwarden, String plain, String ratio,
            String target, String met) {
        rows.add(new Row(workload, what, pgwarden, plain, ratio, target, met));
    }

    String markdown() {
        StringBuilder out = new StringBuilder(header);
        for (Row r : rows) {
            out.append("| ").append(String.join(" | ", r.workload(), r.what(), r.pgwarden(),
                    r.plain(), r.ratio(), r.target(), r.met())).append(" |\n");
        }
        return out.toString();
    }

    static String ms(Samples s) {
        return s.size() == 0 ? "" : String.format(Locale.ROOT, "%.1f ms", s.median());
    }

    static String mb(Samples s) {
        return s.size() == 0 ? "" : String.format(Locale.ROOT, "%.1f MB", s.median());
    }

    static String ratio(Samples s) {
        return s.size() == 0 ? "" : String.format(Locale.ROOT, "%.2f", s.median());
    }

    static String factor(double f) {
        return String.format(Locale.ROOT, "×%.1f", f);
    }

    static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    /**
     * Replaces the results between the markers in {@code doc}, keeping the text around them,
     * or creates the file with a title and the results.
     */
    static void writeInto(Path doc, String results) throws IOException {
        writeInto(doc, BEGIN, END, results);
    }

    /** As {@link #writeInto(Path, String)}, between the markers {@code begin} and {@code end}. */
    static void writeInto(Path doc, String begin, String end, String results)
            throws IOException {
        String block = begin + "\n" + results + end + "\n";
        if (!Files.exists(doc)) {
            Files.createDirectories(doc.getParent());
            Files.writeString(doc, "# pgwarden benchmarks\n\n" + block);
            return;
        }
        String text = Files.readString(doc);
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            Files.writeString(doc, text + "\n" + block);
            return;
        }
        Files.writeString(doc, text.substring(0, from) + block
                + text.substring(to + end.length()).replaceFirst("^\n", ""));
    }
}
