package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The docs' relative links resolve, and every psql transcript is one DocTranscriptsIT runs. */
class DocPagesTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void everyRelativeLinkNamesAFileAndAnchorThatExist() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : DocPages.all()) {
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = LINK.matcher(lines.get(i));
                while (m.find()) {
                    String problem = problem(page, m.group(1));
                    if (problem != null) {
                        broken.add(DocPages.BASEDIR.relativize(page) + ":" + (i + 1) + ": "
                                + m.group(1) + ": " + problem);
                    }
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void aPromptOutsideAPsqlBlockWouldGoUnchecked() throws IOException {
        List<String> unchecked = new ArrayList<>();
        for (Path page : DocPages.withTranscripts()) {
            List<String> lines = Files.readAllLines(page);
            String fence = null;
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.startsWith("```")) {
                    fence = fence == null ? l : null;
                } else if (fence != null && !fence.equals("```psql")
                        && DocTranscript.PROMPT.matcher(l).find()) {
                    unchecked.add(DocPages.BASEDIR.relativize(page) + ":" + (i + 1));
                }
            }
        }
        assertEquals(List.of(), unchecked, "psql prompts outside ```psql blocks");
    }

    @Test
    void theLinkCheckSeesAMissingAnchor() throws IOException {
        Path readme = DocPages.BASEDIR.resolve("README.md");
        assertTrue(problem(readme, "docs/functions.md#notifications") == null);
        assertTrue(problem(readme, "docs/functions.md#no-such-section") != null);
        assertTrue(problem(readme, "docs/no-such-page.md") != null);
    }

    /** Null when {@code target}, linked from {@code page}, exists; else what is wrong. */
    private static String problem(Path page, String target) throws IOException {
        if (target.matches("^[a-z]+:.*")) {
            return null;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (hash < 0) {
            return null;
        }
        if (!resolved.toString().endsWith(".md")) {
            return "an anchor into a file that is not Markdown";
        }
        return anchors(resolved).contains(target.substring(hash + 1)) ? null
                : "no such heading";
    }

    /** The anchors GitHub gives a page's headings. */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        boolean fence = false;
        for (String l : Files.readAllLines(page)) {
            if (l.startsWith("```")) {
                fence = !fence;
            }
            if (!fence && l.matches("^#{1,6} .*")) {
                String a = l.replaceFirst("^#+ ", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                String unique = a;
                for (int n = 1; anchors.contains(unique); n++) {
                    unique = a + "-" + n;
                }
                anchors.add(unique);
            }
        }
        return anchors;
    }
}
