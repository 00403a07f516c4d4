package io.syncnode.node.engine;

import io.syncnode.protocol.AcceptFilter;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FolderType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.Plan;
import io.syncnode.protocol.VersionVector;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * How far this node trusts the members with one folder: whether a remote change that the
 * reconciler would carry out (take the remote version, open a conflict, run the script) is
 * applied. A {@code send-only} folder ignores every such change; the {@code accept} filter refuses
 * changes whose record carries what the folder does not accept (device nodes, setuid bits,
 * owners, xattr names). Either way the change is never silently dropped: it is counted
 * ({@link NodeCounters#remoteIgnored}, {@link NodeCounters#remoteRefused}, so {@code status} and
 * {@code /metrics}), a refusal is kept as the path's problem, and both are logged, at most one line
 * a minute per member and kind with the number left out since, peer-supplied names escaped.
 * The caller acknowledges the version (the member need not offer it again; a later version is
 * judged again). A version offered again (index exchanges repeat while the digests differ) is
 * counted and logged once.
 *
 * <p>Confined to the folder's worker thread (a part of {@link RemoteApplier}).
 */
final class RemoteTrust {
    private static final Logger LOG = Logger.getLogger(RemoteTrust.class.getName());
    static final long LOG_EVERY_MILLIS = 60_000;

    private final String folder;
    private final FolderType type;
    private final AcceptFilter accept;
    private final NodeCounters counters;
    private final Problems problems;
    private final Clock clock;
    /** Per member and kind: when a line was last logged, and how many were left out since. */
    private final Map<String, long[]> logged = new HashMap<>();
    /**
     * The version last judged per path (bounded, oldest out): an index exchange offers a version
     * again and again (every digest exchange while the digests differ); it is judged, counted and
     * logged once.
     */
    private final Map<String, VersionVector> judged = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, VersionVector> eldest) {
            return size() > JUDGED_MAX;
        }
    };
    static final int JUDGED_MAX = 100_000;

    RemoteTrust(String folder, FolderType type, AcceptFilter accept, NodeCounters counters, Problems problems,
                Clock clock) {
        this.folder = folder;
        this.type = type;
        this.accept = accept;
        this.counters = counters;
        this.problems = problems;
        this.clock = clock;
    }

    /** Everything goes: a send-receive folder that accepts everything. */
    boolean trustsAll() {
        return type.applies() && accept.acceptsAll();
    }

    /** Whether a plan changes this node's entry (or opens a conflict about it) with remote content. */
    static boolean changesEntry(Plan plan) {
        return plan instanceof Plan.TakeRemote || plan instanceof Plan.Conflict || plan instanceof Plan.RunScript;
    }

    /** Without counting or logging: whether {@code target} would be applied (for the apply journal). */
    boolean wouldApply(FileRecord target) {
        return type.applies() && accept.refusal(target) == null;
    }

    /**
     * Whether {@code from}'s change to {@code remote} (which {@code plan} would carry out) may be
     * applied; false after counting and logging why not.
     */
    boolean admits(String from, FileRecord remote, Plan plan) {
        if (trustsAll() || !changesEntry(plan)) {
            return true;
        }
        String rel = remote.path();
        FileRecord target = plan instanceof Plan.TakeRemote t ? t.target() : remote;
        String why = type.applies() ? accept.refusal(target) : null;
        if (type.applies() && why == null) {
            judged.remove(rel);
            return true;
        }
        if (remote.version().equals(judged.put(rel, remote.version()))) {
            return false; // this version again: judged, counted and logged already
        }
        String member = NameCodec.display(from);
        if (!type.applies()) {
            counters.remoteIgnored.incrementAndGet();
            log(from, "ignored", () -> folder + ": send-only: ignoring " + member + "'s change of "
                    + NameCodec.display(rel) + " (this node never applies remote changes to the folder)");
            return false;
        }
        counters.remoteRefused.incrementAndGet();
        String shown = NameCodec.display(why);
        problems.put(rel, Problems.Kind.REFUSED, member + "'s version carries " + shown);
        log(from, "refused", () -> folder + ": refusing " + member + "'s change of " + NameCodec.display(rel)
                + ": it carries " + shown + "; see [folder.accept] of this folder");
        return false;
    }

    private void log(String from, String kind, Supplier<String> line) {
        long now = clock.millis();
        long[] last = logged.computeIfAbsent(from + "\0" + kind, k -> new long[] {Long.MIN_VALUE, 0});
        if (last[0] != Long.MIN_VALUE && now - last[0] < LOG_EVERY_MILLIS) {
            last[1]++;
            return;
        }
        long left = last[1];
        last[0] = now;
        last[1] = 0;
        LOG.warning(() -> line.get() + (left > 0 ? " (and " + left + " more from " + NameCodec.display(from)
                + " since the last line)" : ""));
        if (logged.size() > 1024) {
            logged.clear(); // members come and go; a bound for names that never return
        }
    }
}
