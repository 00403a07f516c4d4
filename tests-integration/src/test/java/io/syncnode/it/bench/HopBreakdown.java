package io.syncnode.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The per-hop breakdown of {@link LatencyBench}: reads the marks the nodes write with
 * {@code -Dsyncnode.hops=DIR} (lines {@code NANOS HOP PATH}, see {@code io.syncnode.node.trace.Hops})
 * and, for each file, walks back from the replica's install that made its content visible to the
 * writer's inotify event that started it (each hop: the last mark of it at or before the next
 * hop's), so every figure is one step of the change that arrived.
 */
final class HopBreakdown {
    /** The hops in order, with the node that marks them (w: writer, r: replica). */
    static final String[][] CHAIN = {
            {"w", "INOTIFY"}, {"w", "BATCHED"}, {"w", "DRAIN"}, {"w", "FLUSH"}, {"w", "COMMITTED"}, {"w", "ANNOUNCED"},
            {"r", "RECEIVED"}, {"r", "REMOTE_DRAIN"}, {"r", "STAGED"}, {"r", "JOURNALED"}, {"r", "SYNCED"},
            {"r", "INSTALLED"}};
    /** Labels of the steps between write, the hops of {@link #CHAIN} and the bench seeing the content. */
    static final String[] STEPS = {
            "write -> inotify event (W)", "inotify -> batch (aggregator)", "batch -> worker drain", "drain -> flush (scan)",
            "flush -> index committed", "committed -> announce queued", "queued -> received on R (wire)",
            "received -> R worker drain", "R drain -> staged (temp file)", "staged -> journal committed",
            "journaled -> temp fsynced", "fsynced -> renamed (visible)", "renamed -> seen by the bench (< 0: seen first)"};

    /** How long after the bench saw a file its INSTALLED mark may come (the mark follows the rename). */
    static final long RENAME_MARK_SLACK_NS = 20_000_000;

    /** Marks of one node: path -> hop -> times, ascending. */
    static final class Marks {
        final Map<String, Map<String, List<Long>>> byPath = new HashMap<>();

        static Marks read(Path file) {
            Marks m = new Marks();
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (NoSuchFileException e) {
                return m;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines) {
                String[] f = line.split(" ", 3);
                if (f.length == 3 && !line.startsWith("#")) {
                    m.byPath.computeIfAbsent(f[2], k -> new HashMap<>()).computeIfAbsent(f[1], k -> new ArrayList<>())
                            .add(Long.parseLong(f[0]));
                }
            }
            m.byPath.values().forEach(h -> h.values().forEach(l -> l.sort(null)));
            return m;
        }

        List<Long> times(String path, String hop) {
            return byPath.getOrDefault(path, Map.of()).getOrDefault(hop, List.of());
        }

        boolean has(String path, String hop) {
            return !times(path, hop).isEmpty();
        }

        /** The last time of {@code hop} for {@code path} at or before {@code t}, or -1. */
        long lastAtOrBefore(String path, String hop, long t) {
            long best = -1;
            for (long x : times(path, hop)) {
                if (x <= t) {
                    best = x;
                }
            }
            return best;
        }
    }

    /** The step durations (ns, {@link #STEPS} order) of one file, or null when a mark is missing. */
    static long[] steps(Marks writer, Marks replica, String path, long written, long seen) {
        return steps(writer, replica, path, written, seen, new String[1]);
    }

    /** As above; {@code missing[0]} names the first hop (walking back) without a mark. */
    static long[] steps(Marks writer, Marks replica, String path, long written, long seen, String[] missing) {
        long[] at = new long[CHAIN.length];
        long next = seen + RENAME_MARK_SLACK_NS; // the bench may see the rename before the node marks it
        for (int i = CHAIN.length - 1; i >= 0; i--) {
            Marks m = CHAIN[i][0].equals("w") ? writer : replica;
            at[i] = m.lastAtOrBefore(path, CHAIN[i][1], next);
            if (at[i] < 0) {
                missing[0] = CHAIN[i][1];
                return null;
            }
            next = at[i];
        }
        long[] out = new long[STEPS.length];
        long prev = written;
        for (int i = 0; i < CHAIN.length; i++) {
            out[i] = at[i] - prev;
            prev = at[i];
        }
        out[CHAIN.length] = seen - prev;
        return out;
    }

    /** Collected steps of many files. */
    static final class Table {
        final List<long[]> rows = new ArrayList<>();
        final Map<String, Integer> missing = new java.util.TreeMap<>();
        int incomplete;

        void add(Marks writer, Marks replica, String path, long written, long seen) {
            String[] miss = new String[1];
            long[] steps = steps(writer, replica, path, written, seen, miss);
            if (steps == null) {
                incomplete++;
                missing.merge(miss[0], 1, Integer::sum);
            } else {
                rows.add(steps);
            }
        }

        /** Median of step {@code i}, in ns. */
        long median(int i) {
            long[] col = rows.stream().mapToLong(r -> r[i]).toArray();
            return col.length == 0 ? 0 : LatencyBench.percentile(col, 50);
        }
    }

    /** What a burst of files under {@code dir} cost: messages, transactions, and when each side finished. */
    static Map<String, String> burst(Marks writer, Marks replica, String dir, long t0) {
        TreeSet<Long> announced = new TreeSet<>();
        TreeSet<Long> flushedW = new TreeSet<>();
        TreeSet<Long> drainsR = new TreeSet<>();
        TreeSet<Long> journaled = new TreeSet<>();
        long lastCommitW = 0;
        long lastReceived = 0;
        long lastInstalled = 0;
        long firstEvent = Long.MAX_VALUE;
        for (String p : writer.byPath.keySet()) {
            if (!p.startsWith(dir + "/")) {
                continue;
            }
            announced.addAll(writer.times(p, "ANNOUNCED"));
            flushedW.addAll(writer.times(p, "FLUSH"));
            for (long x : writer.times(p, "INOTIFY")) {
                firstEvent = Math.min(firstEvent, x);
            }
            for (long x : writer.times(p, "COMMITTED")) {
                lastCommitW = Math.max(lastCommitW, x);
            }
        }
        for (String p : replica.byPath.keySet()) {
            if (!p.startsWith(dir + "/")) {
                continue;
            }
            drainsR.addAll(replica.times(p, "REMOTE_DRAIN"));
            journaled.addAll(replica.times(p, "JOURNALED"));
            for (long x : replica.times(p, "RECEIVED")) {
                lastReceived = Math.max(lastReceived, x);
            }
            for (long x : replica.times(p, "INSTALLED")) {
                lastInstalled = Math.max(lastInstalled, x);
            }
        }
        Map<Long, long[]> batches = new java.util.TreeMap<>(); // journal time -> files, last fsync, last rename
        for (String p : replica.byPath.keySet()) {
            if (p.startsWith(dir + "/") && replica.has(p, "INSTALLED")) {
                long inst = replica.times(p, "INSTALLED").get(0);
                long j = replica.lastAtOrBefore(p, "JOURNALED", inst);
                long[] b = batches.computeIfAbsent(j, k -> new long[3]);
                b[0]++;
                b[1] = Math.max(b[1], replica.lastAtOrBefore(p, "SYNCED", inst));
                b[2] = Math.max(b[2], inst);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("writer: index transactions with burst records", String.valueOf(flushedW.size()));
        out.put("writer: IndexUpdate batches announced", String.valueOf(announced.size()));
        out.put("replica: worker drains with burst records", String.valueOf(drainsR.size()));
        out.put("replica: install batches (journal commits)", String.valueOf(journaled.size()));
        out.put("first inotify event (ms after the mkdir)", ms(firstEvent == Long.MAX_VALUE ? -1 : firstEvent - t0));
        out.put("writer: last commit (ms)", ms(lastCommitW - t0));
        out.put("replica: last record received (ms)", ms(lastReceived - t0));
        out.put("replica: last file renamed (ms)", ms(lastInstalled - t0));
        int k = 0;
        for (Map.Entry<Long, long[]> e : batches.entrySet()) {
            if (++k > 8) {
                out.put("replica: install batches not shown", String.valueOf(batches.size() - 8));
                break;
            }
            long[] b = e.getValue();
            out.put("replica: install batch " + k + " (files, journaled, last fsync, last rename ms)",
                    b[0] + ", " + ms(e.getKey() - t0) + ", " + ms(b[1] - t0) + ", " + ms(b[2] - t0));
        }
        return out;
    }

    private static String ms(long ns) {
        return ns < 0 ? "-" : String.format("%.1f", ns / 1e6);
    }
}
