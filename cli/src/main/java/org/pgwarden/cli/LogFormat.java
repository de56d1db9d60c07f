package org.pgwarden.cli;

/** How watch writes its lines: for a person or a log shipper. */
enum LogFormat {
    /** A time, an event and key=value pairs. */
    TEXT("text"),
    /** One JSON object per line (JSON Lines). */
    JSON("json");

    private final String word;

    LogFormat(String word) {
        this.word = word;
    }

    static LogFormat of(String word) throws UsageException {
        for (LogFormat f : values()) {
            if (f.word.equals(word)) {
                return f;
            }
        }
        throw new UsageException("invalid value for option --log-format: \"" + word
                + "\" (expected text or json)");
    }
}
