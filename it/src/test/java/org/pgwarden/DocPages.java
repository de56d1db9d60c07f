package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The project's Markdown pages that DocTranscriptsIT and DocPagesTest read. */
final class DocPages {

    static final Path BASEDIR = Paths.get(System.getProperty("pgwarden.basedir", "."))
            .toAbsolutePath().normalize();

    private DocPages() {
    }

    /** README.md, TESTING.md and docs/*.md: the pages whose psql transcripts are run. */
    static List<Path> withTranscripts() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(BASEDIR.resolve("README.md"),
                BASEDIR.resolve("TESTING.md")));
        try (Stream<Path> docs = Files.list(BASEDIR.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Every page whose links are checked: those above, install/ and docker/'s pages. */
    static List<Path> all() throws IOException {
        List<Path> pages = withTranscripts();
        pages.add(BASEDIR.resolve("install/vmoptions.md"));
        pages.add(BASEDIR.resolve("docker/README.md"));
        return pages;
    }
}
