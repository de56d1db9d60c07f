package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one table the benchmark prints, and its place in docs/benchmarks.md. */
final class BenchTable {

    static final String BEGIN = "<!-- benchmark results: begin (written by the benchmark) -->";
    static final String END = "<!-- benchmark results: end -->";

    private static final String HEADER = """
        | workload | case | pgwarden | plain SQL | ratio | target | met |
        | --- | --- | ---: | ---: | ---: | --- | --- |
        """;

    private record Row(String workload, String what, String pgwarden, String plain,
            String ratio, String target, String met) {
    }

    private final List<Row> rows = new ArrayList<>();

    void add(String workload, String what, String pgwarden, String plain, String ratio,
            String target, String met) {
        rows.add(new Row(workload, what, pgwarden, plain, ratio, target, met));
    }

    String markdown() {
        StringBuilder out = new StringBuilder(HEADER);
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
        String block = BEGIN + "\n" + results + END + "\n";
        if (!Files.exists(doc)) {
            Files.createDirectories(doc.getParent());
            Files.writeString(doc, "# pgwarden benchmarks\n\n" + block);
            return;
        }
        String text = Files.readString(doc);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            Files.writeString(doc, text + "\n" + block);
            return;
        }
        Files.writeString(doc, text.substring(0, begin) + block
                + text.substring(end + END.length()).replaceFirst("^\n", ""));
    }
}
