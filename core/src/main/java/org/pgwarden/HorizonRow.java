package org.pgwarden;

/**
 * One row of {@code warden.horizon_report}: something that holds back the xmin horizon of
 * the cluster, the transaction id it holds, how old that is, and what would release it.
 * Columns and order match the SQL type {@code warden.horizon_row}.
 *
 * @param holder a backend's backend_type ({@code client backend}, {@code walsender},
 *     {@code autovacuum worker}, ...), {@code prepared transaction}, {@code physical
 *     replication slot} or {@code logical replication slot}
 * @param pid the backend's pid, an active slot's active_pid; null for a prepared transaction
 *     and an inactive slot
 * @param name a backend's application_name, a prepared transaction's gid, a slot's name
 * @param usename a backend's role, a prepared transaction's owner; null for a slot
 * @param datname a backend's database, a prepared transaction's, a logical slot's
 * @param state a backend's state, {@code prepared}, or a slot's {@code active} or
 *     {@code inactive}
 * @param plugin a logical slot's output plugin, else null
 * @param xid the transaction id it holds, in its text form
 * @param xidKind which one: {@code xmin} (a snapshot's, a slot's, a standby's feedback),
 *     {@code catalog_xmin} (a slot's, for the system catalogs only) or {@code xid} (a
 *     transaction's own id)
 * @param xidAge age(xid), in transactions
 * @param heldSince the earliest it can have begun to hold it, where known: a backend's
 *     xact_start, a prepared transaction's prepared, an inactive slot's inactive_since
 *     (PostgreSQL 17+); else null
 * @param heldFor clock_timestamp() minus heldSince
 * @param advice which pgwarden function or which manual step would release it
 */
public record HorizonRow(
        String holder,
        Integer pid,
        String name,
        String usename,
        String datname,
        String state,
        String plugin,
        String xid,
        String xidKind,
        int xidAge,
        String heldSince,
        String heldFor,
        String advice) {
}
