package org.pgwarden.cli;

import java.io.PrintStream;

/** How the runner prints its rows. */
enum Format {
    /** Aligned columns for a person, the columns read first; the default. */
    TABLE("table") {
        @Override
        void write(Result result, PrintStream out) {
            AlignedTable.write(result, out);
        }
    },
    /** Every column, RFC 4180 quoting, a header line. */
    CSV("csv") {
        @Override
        void write(Result result, PrintStream out) {
            Csv.write(result, out);
        }
    },
    /** A JSON array of objects keyed by the SQL column names, every column. */
    JSON("json") {
        @Override
        void write(Result result, PrintStream out) {
            out.println(result.json());
        }
    };

    private final String word;

    Format(String word) {
        this.word = word;
    }

    abstract void write(Result result, PrintStream out);

    static Format of(String word) throws UsageException {
        for (Format f : values()) {
            if (f.word.equals(word)) {
                return f;
            }
        }
        throw new UsageException("invalid value for option --format: \"" + word
                + "\" (expected table, csv or json)");
    }
}
