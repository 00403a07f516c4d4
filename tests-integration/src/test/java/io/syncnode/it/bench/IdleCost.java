package io.syncnode.it.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The peer benchmark's idle cost ({@code scripts/bench bulk --idle S}): once the loopback carried
 * less than 32 KiB/s for 1.5 s (at most 60 s), each node's CPU seconds over a window, printed with
 * its eight busiest threads.
 */
final class IdleCost {
    private static final long QUIET_BYTES_PER_SECOND = 32 * 1024;

    private IdleCost() {
    }

    /** Each node's CPU seconds in a window of {@code secs} seconds once the loopback is quiet (threads born in it count whole). */
    static double[] measure(List<Process> nodes, int secs) throws IOException {
        awaitQuietLoopback();
        List<Map<String, Double>> before = new ArrayList<>();
        for (Process p : nodes) {
            before.add(ProcStats.threadCpu(p.pid()));
        }
        long t0 = System.nanoTime();
        long window = TimeUnit.SECONDS.toNanos(secs);
        while (System.nanoTime() - t0 < window) {
            LockSupport.parkNanos(window - (System.nanoTime() - t0)); // the measuring window
        }
        double[] out = new double[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Map<String, Double> was = before.get(i);
            Map<String, Double> byName = new HashMap<>();
            ProcStats.threadCpu(nodes.get(i).pid()).forEach((k, v) -> byName.merge(k.substring(k.indexOf(' ') + 1),
                    v - was.getOrDefault(k, 0.0), Double::sum));
            out[i] = byName.values().stream().mapToDouble(Double::doubleValue).sum();
            StringBuilder top = new StringBuilder();
            byName.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8)
                    .forEach(e -> top.append(String.format(" %s %.2f;", e.getKey(), e.getValue())));
            System.out.printf("  idle %d s after the copy, node %s: %.2f CPU-s (threads:%s)%n", secs,
                    i == 0 ? "a" : "b", out[i], top);
        }
        return out;
    }

    /** Until the loopback carried less than 32 KiB/s for 1.5 s, polled every 250 ms; at most 60 s. */
    private static void awaitQuietLoopback() throws IOException {
        long start = System.nanoTime();
        long lastBytes = ProcStats.loopbackBytes();
        long lastAt = start;
        long busyAt = start;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            LockSupport.parkNanos(250_000_000);
            long bytes = ProcStats.loopbackBytes();
            long at = System.nanoTime();
            if ((bytes - lastBytes) / ((at - lastAt) / 1e9) >= QUIET_BYTES_PER_SECOND) {
                busyAt = at;
            } else if (at - busyAt >= 1_500_000_000L) {
                return;
            }
            lastBytes = bytes;
            lastAt = at;
        }
    }
}
