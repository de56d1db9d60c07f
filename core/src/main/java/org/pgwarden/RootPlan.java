package org.pgwarden;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which lock roots terminate_blockers signals, and why it leaves each other one alone.
 *
 * <p>Some roots stay whatever pgwarden does: a prepared transaction (no process to signal),
 * a backend that is no client backend (autovacuum, a walsender), the caller's own session,
 * an exempt session, one the caller may not signal, one in a state no signal is chosen for;
 * and, under enforce(), roots outside the policy's filter or handled by another policy, and
 * roots no session has waited behind for min_wait. The others are candidates; but ending a
 * root helps only if some session behind it then gets its lock, and a waiter gets its lock
 * once every root it waits for, directly or through other waiters, has ended. So a
 * candidate is signalled only if at least one of its waiters waits for no root that stays;
 * otherwise it is reported {@link Outcome#WAITERS_STAY_BLOCKED}, with those roots. (One pass
 * decides: a candidate left alone for this reason frees no waiter, as each of its waiters
 * already waits for a root that stays; leaving it alone changes no other's decision.)
 * Requiring every waiter behind a root to be freed instead would leave a session waiting
 * that one termination would free, because another waiter behind the same root is stuck.
 */
final class RootPlan {

    /** How many staying roots a {@link Outcome#WAITERS_STAY_BLOCKED} detail names. */
    static final int NAMED = 5;

    /**
     * What becomes of a root that gets a row.
     *
     * @param outcome the skip it gets here, or null when it goes to the batch (which
     *     signals it, or records it exempt or not permitted)
     * @param detail the outcome's detail
     */
    record Decision(LockRoot root, Outcome outcome, String detail) {
    }

    private final List<Decision> decisions = new ArrayList<>();

    private RootPlan() {
    }

    /**
     * Decides for every root that is due, matches the filter and is not in
     * {@code handled}; the others only count as staying.
     *
     * @param handled pids that another policy of the same enforce() run acted on
     */
    static RootPlan of(List<LockRoot> roots, Set<Integer> handled) {
        Map<Long, String> stays = new HashMap<>();
        Map<Long, Decision> intrinsic = new HashMap<>();
        Set<Long> candidates = new HashSet<>();
        for (LockRoot root : roots) {
            Decision skip = intrinsicSkip(root);
            String stay = stayLabel(root, skip, handled);
            if (skip != null) {
                intrinsic.put(root.node(), skip);
            }
            if (stay == null) {
                candidates.add(root.node());
            } else {
                stays.put(root.node(), stay);
            }
        }
        Map<Integer, Set<Long>> reach = reach(roots);
        Set<Long> futile = new HashSet<>();
        for (LockRoot root : roots) {
            if (candidates.contains(root.node()) && root.candidate().waitingPids().stream()
                    .noneMatch(w -> candidates.containsAll(reach.get(w)))) {
                futile.add(root.node());
            }
        }
        RootPlan plan = new RootPlan();
        for (LockRoot root : roots) {
            if (!root.due() || !root.matched() || handledElsewhere(root, handled)) {
                continue;
            }
            Decision skip = intrinsic.get(root.node());
            if (skip != null) {
                plan.decisions.add(skip);
            } else if (futile.contains(root.node())) {
                plan.decisions.add(new Decision(root, Outcome.WAITERS_STAY_BLOCKED,
                        staying(root, reach, stays)));
            } else {
                plan.decisions.add(new Decision(root, null, null));
            }
        }
        return plan;
    }

    /** The decisions, in the order the roots came: the most blocking first. */
    List<Decision> decisions() {
        return decisions;
    }

    /** The roots that go to the batch: to signal, or to record exempt or not permitted. */
    List<Candidate> toBatch() {
        return decisions.stream().filter(d -> d.outcome() == null)
                .map(d -> d.root().candidate()).toList();
    }

    /** The rows of the roots skipped here. */
    List<ActionRow> skipRows(String policy) {
        return decisions.stream().filter(d -> d.outcome() != null)
                .map(d -> ActionRow.skipped(d.root().candidate(), d.outcome(), d.detail(),
                        policy))
                .toList();
    }

    /** Every decision's row in order: those skipped here, and the batch's by pid. */
    List<ActionRow> rows(List<ActionRow> skipped, List<ActionRow> fromBatch) {
        Map<Integer, ActionRow> byPid = new HashMap<>();
        fromBatch.forEach(r -> byPid.put(r.pid(), r));
        List<ActionRow> rows = new ArrayList<>();
        int next = 0;
        for (Decision d : decisions) {
            rows.add(d.outcome() != null ? skipped.get(next++) : byPid.get(d.root().pid()));
        }
        return rows;
    }

    /** A prepared transaction is pid 0: each blockers policy that matches it reports it. */
    private static boolean handledElsewhere(LockRoot root, Set<Integer> handled) {
        return !root.prepared() && handled.contains(root.pid());
    }

    /** Why a root stays whatever else is done, or null if nothing keeps it from a signal. */
    private static Decision intrinsicSkip(LockRoot root) {
        Candidate c = root.candidate();
        if (root.prepared()) {
            return new Decision(root, Outcome.PREPARED_TRANSACTION, root.gidLiteral() != null
                    ? root.gidLiteral() : "(ended as it was read, see pg_prepared_xacts)");
        }
        if (root.own()) {
            return new Decision(root, Outcome.OWN_SESSION, null);
        }
        if (!LockRoot.CLIENT_BACKEND.equals(root.backendType())) {
            return new Decision(root, Outcome.NOT_CLIENT_BACKEND, root.backendType());
        }
        if (c.exemption() != null || !c.signallable()) {
            return new Decision(root, null, null);
        }
        if (Selection.forState(c.state()) == null) {
            return new Decision(root, Outcome.UNSIGNALLED_STATE, c.state() == null
                    ? "hidden from you (needs pg_read_all_stats)" : "'" + c.state() + "'");
        }
        return null;
    }

    /** How a root that stays is named among those keeping waiters waiting; else null. */
    private static String stayLabel(LockRoot root, Decision skip, Set<Integer> handled) {
        if (skip == null) {
            return handledElsewhere(root, handled) ? pidLabel(root, "another policy's")
                    : !root.matched() ? pidLabel(root, "outside the policy")
                    : !root.due() ? pidLabel(root, "not waited for min_wait")
                    : null;
        }
        if (skip.outcome() == null) {
            return pidLabel(root,
                    root.candidate().exemption() != null ? "exempt" : "not permitted");
        }
        return switch (skip.outcome()) {
            case PREPARED_TRANSACTION -> "prepared transaction " + skip.detail();
            case OWN_SESSION -> pidLabel(root, "your own session");
            case NOT_CLIENT_BACKEND -> pidLabel(root, root.backendType());
            default -> pidLabel(root, "state " + skip.detail());
        };
    }

    private static String pidLabel(LockRoot root, String why) {
        return "pid " + root.pid() + " (" + why + ")";
    }

    /** For each waiting pid, every root it waits for, directly or through other waiters. */
    private static Map<Integer, Set<Long>> reach(List<LockRoot> roots) {
        Map<Integer, Set<Long>> reach = new HashMap<>();
        for (LockRoot root : roots) {
            for (int waiter : root.candidate().waitingPids()) {
                reach.computeIfAbsent(waiter, w -> new HashSet<>()).add(root.node());
            }
        }
        return reach;
    }

    /** The roots that stay and keep this root's waiters waiting: prepared ones first. */
    private static String staying(LockRoot root, Map<Integer, Set<Long>> reach,
            Map<Long, String> stays) {
        Set<Long> nodes = new HashSet<>();
        for (int waiter : root.candidate().waitingPids()) {
            nodes.addAll(reach.get(waiter));
        }
        nodes.retainAll(stays.keySet());
        List<Long> ordered = nodes.stream()
                .sorted(Comparator.comparing((Long n) -> n > 0).thenComparing(Math::abs))
                .toList();
        List<String> named = new ArrayList<>();
        for (Long node : ordered.subList(0, Math.min(NAMED, ordered.size()))) {
            named.add(stays.get(node));
        }
        String text = String.join(", ", named);
        return ordered.size() > NAMED ? text + " and " + (ordered.size() - NAMED) + " more"
                : text;
    }
}
