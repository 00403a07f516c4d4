package io.syncnode.it.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What the benches read of node processes and the machine from {@code /proc}. */
final class ProcStats {
    private ProcStats() {
    }

    /** User + system CPU seconds of a process so far ({@code /proc/PID/stat}). */
    static double cpuSeconds(long pid) throws IOException {
        return cpuOf(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    /** CPU seconds of each thread of a process: "TID NAME" -> seconds ({@code /proc/PID/task/TID/stat}). */
    static Map<String, Double> threadCpu(long pid) throws IOException {
        Map<String, Double> out = new HashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : ds) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    out.put(t.getFileName() + " " + stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
                            cpuOf(stat));
                } catch (IOException gone) {
                    // the thread ended while listed
                }
            }
        }
        return out;
    }

    /** utime + stime (fields 14 and 15, clock ticks of 1/100 s) of a stat line, in seconds. */
    private static double cpuOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    /** A kB field of {@code /proc/PID/status} (e.g. "VmRSS:"), -1 when absent. */
    static long statusKib(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Bytes received on the loopback so far ({@code /proc/net/dev}). */
    static long loopbackBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/net/dev"))) {
            String l = line.strip();
            if (l.startsWith("lo:")) {
                return Long.parseLong(l.substring(3).strip().split("\\s+")[0]);
            }
        }
        return 0;
    }
}
