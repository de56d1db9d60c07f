package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The generated SQL in sql/ is what its generator writes from the core now
 * ({@link GeneratedSql}): a hand edit, or a change of the core's rule not carried into sql/,
 * fails here. {@code mvn -B -q test -pl core -Dtest=GeneratedSqlTest -Dpgwarden.regenerate=true}
 * rewrites every generated file and region instead.
 */
class GeneratedSqlTest {

    private static final Path BASE = Path.of(System.getProperty("pgwarden.basedir", "."));
    private static final boolean REGENERATE = Boolean.getBoolean("pgwarden.regenerate");
    private static final Pattern MARKER =
            Pattern.compile("^/\\* (BEGIN|END) GENERATED (\\w+)[: ]", Pattern.MULTILINE);

    @Test
    void everyGeneratedFileAndRegionIsWhatItsGeneratorWrites() throws IOException {
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, java.util.function.Supplier<String>> e
                : GeneratedSql.ENTRIES.entrySet()) {
            String name = e.getKey();
            String generated = e.getValue().get();
            int hash = name.indexOf('#');
            Path file = BASE.resolve(hash < 0 ? name : name.substring(0, hash));
            String text = Files.exists(file) ? read(file) : "";
            String expected = hash < 0 ? generated + "\n"
                    : withRegion(text, name.substring(hash + 1), generated, name);
            if (!expected.equals(text)) {
                if (REGENERATE) {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                    Files.writeString(file, expected, StandardCharsets.UTF_8);
                } else {
                    differ.add(name);
                }
            }
        }
        assertTrue(differ.isEmpty(), "generated SQL differs from what its generator writes"
                + " (edited by hand, or the core changed): " + differ + ". Edit the Java"
                + " definition (GeneratedSql names each generator), not the SQL, then run"
                + " mvn -B -q test -pl core -Dtest=GeneratedSqlTest"
                + " -Dpgwarden.regenerate=true and commit the result.");
    }

    @Test
    void everyRegionAndGeneratedFileIsRegisteredAndClosed() throws IOException {
        TreeSet<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.list(BASE.resolve("sql"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                Matcher m = MARKER.matcher(read(file));
                String open = null;
                while (m.find()) {
                    String where = "sql/" + file.getFileName() + "#" + m.group(2);
                    if (m.group(1).equals("BEGIN")) {
                        assertEquals(null, open, "region " + where + " opens inside " + open);
                        open = where;
                        assertTrue(found.add(where), "region " + where + " twice");
                    } else {
                        assertEquals(where, open, "END GENERATED without its BEGIN");
                        open = null;
                    }
                }
                assertEquals(null, open, "region not closed");
            }
        }
        try (Stream<Path> files = Files.list(BASE.resolve("sql/generated"))) {
            files.forEach(f -> found.add("sql/generated/" + f.getFileName()));
        }
        assertEquals(new TreeSet<>(GeneratedSql.ENTRIES.keySet()), found,
                "every generated region and file in sql/ is one GeneratedSql names");
    }

    /** {@code text} with region {@code region}'s lines replaced by {@code generated}. */
    private static String withRegion(String text, String region, String generated,
            String name) {
        String begin = GeneratedSql.BEGIN.formatted(region) + "\n";
        String end = "\n" + GeneratedSql.END.formatted(region) + "\n";
        int from = text.indexOf(begin);
        int to = text.indexOf(end, Math.max(from, 0));
        assertTrue(from >= 0 && to > from, name + ": no region between the lines\n" + begin
                + end.strip() + "\nin " + name.substring(0, name.indexOf('#'))
                + "; put them where the generated text belongs");
        return text.substring(0, from + begin.length()) + generated + text.substring(to);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
