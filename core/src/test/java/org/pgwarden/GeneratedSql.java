package org.pgwarden;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every SQL text in sql/ that is generated from a definition in the core, and its generator:
 * committed, so that a DBA reading sql/ sees it and schema.sql runs with psql alone on a
 * server without PL/Java, and checked by GeneratedSqlTest, which fails when the committed
 * text differs from what its generator writes now (a hand edit, or a core change not yet
 * regenerated) and, run with {@code -Dpgwarden.regenerate=true}, rewrites them all.
 *
 * <p>A name is either a whole file, {@code sql/generated/x.sql}, or a region of a
 * hand-written file, {@code sql/schema.sql#name}: the lines between
 * {@code /* BEGIN GENERATED name: ... *}{@code /} and {@code /* END GENERATED name *}{@code /}
 * (block comments, which PL/Java's descriptor parser takes between commands). The
 * generators are test sources: the server jar carries no build-time code.
 */
final class GeneratedSql {

    /** The marker lines of a region. */
    static final String BEGIN = "/* BEGIN GENERATED %s: do not edit, see GeneratedSqlTest */";
    static final String END = "/* END GENERATED %s */";

    /** Name of a file or region, in the order they are checked and written. */
    static final Map<String, Supplier<String>> ENTRIES = new LinkedHashMap<>();

    static {
        ENTRIES.put("sql/schema.sql#home_claim", SchemaRules::homeClaim);
        ENTRIES.put("sql/schema.sql#interval_problem", SchemaRules::intervalProblem);
        ENTRIES.put("sql/schema.sql#policy_kind_check", SchemaRules::kindCheck);
        ENTRIES.put("sql/schema.sql#policy_mode_check", SchemaRules::modeCheck);
        ENTRIES.put("sql/schema.sql#exemption_warnings", SchemaRules::exemptionWarnings);
        ENTRIES.put("sql/schema.sql#action_log", () -> chomp(RowTypesSql.actionLog()));
        ENTRIES.put("sql/schema.sql#record_actions", () -> chomp(RowTypesSql.recordActions()));
        ENTRIES.put("sql/schema.sql#action_summary", ActionSummaryView::view);
        ENTRIES.put("sql/functions.sql#backend_row", () -> chomp(RowTypesSql.backendRow()));
        ENTRIES.put("sql/functions.sql#horizon_row", () -> chomp(RowTypesSql.horizonRow()));
        ENTRIES.put("sql/functions.sql#action_row", () -> chomp(RowTypesSql.actionRow()));
        ENTRIES.put("sql/functions.sql#long_running_due",
                () -> SchemaRules.due(PolicyKind.LONG_RUNNING, "threshold"));
        ENTRIES.put("sql/functions.sql#idle_in_tx_due",
                () -> SchemaRules.due(PolicyKind.IDLE_IN_TX, "threshold"));
        ENTRIES.put("sql/functions.sql#blockers_due",
                () -> SchemaRules.due(PolicyKind.BLOCKERS, "min_wait"));
        ENTRIES.put("sql/functions.sql#long_transaction_due",
                () -> SchemaRules.due(PolicyKind.LONG_TRANSACTION, "threshold"));
        ENTRIES.put("sql/functions.sql#enforce_unknown_kind", SchemaRules::enforceUnknownKind);
        ENTRIES.put("sql/functions.sql#enforce_due", SchemaRules::enforceDue);
        ENTRIES.put("sql/generated/backend_report.sql", ReportFunction::statements);
        ENTRIES.put("sql/generated/horizon_report.sql", HorizonFunction::statements);
    }

    private GeneratedSql() {
    }

    /** A region holds the lines between its markers: the text without its last newline. */
    private static String chomp(String text) {
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
