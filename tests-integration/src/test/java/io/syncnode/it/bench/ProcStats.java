package io.syncnode.it.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

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

    /** The file system a path is on, from a line of {@code /proc/self/mountinfo}. */
    record Mount(String point, String type, String source) {
    }

    /**
     * The mount of {@code mountinfo} (the text of {@code /proc/self/mountinfo}) whose mount point is
     * the longest prefix of {@code realPath} (an absolute path without links); the last one mounted
     * there when several were.
     */
    static Optional<Mount> mountOf(String mountinfo, Path realPath) {
        Mount best = null;
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (f.length < 5 || dash < 6 || dash + 2 >= f.length) {
                continue;
            }
            String point = f[4].replace("\\040", " ");
            if (realPath.startsWith(point) && (best == null || point.length() >= best.point().length())) {
                best = new Mount(point, f[dash + 1], f[dash + 2]);
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * A note for the bench's output when {@code dir} is on ext4 without a journal (this project's test
     * machine): there the kernel does not reuse a freed inode for 60 s after its deletion (360 s while
     * its inode-table block is not yet written back), and every file created meanwhile in that block
     * group first scans past those inodes ({@code recently_deleted} in fs/ext4/ialloc.c). Creating
     * 1,000 files in a new directory took 0.03 s at rest and 0.4-0.8 s within minutes of a cleanup that
     * deleted some 100,000 files: a figure measured soon after another bench's cleanup is that slower.
     */
    static Optional<String> diskNote(Path dir) {
        try {
            Path real = dir.toRealPath();
            Optional<Mount> m = mountOf(Files.readString(Path.of("/proc/self/mountinfo")), real);
            if (m.isEmpty() || !m.get().type().equals("ext4") || !m.get().source().startsWith("/dev/")) {
                return Optional.empty();
            }
            String dev = Path.of(m.get().source()).getFileName().toString();
            Path journal = Path.of("/sys/fs/ext4", dev, "journal_task");
            if (!Files.isReadable(journal) || !Files.readString(journal).strip().equals("<none>")) {
                return Optional.empty();
            }
            return Optional.of("note: " + real + " is on ext4 without a journal (" + m.get().source() + "): a file"
                    + " created within 1-6 minutes of many deletions there (another run's cleanup) costs up to ~0.5 ms"
                    + " more (the kernel skips recently freed inodes); compare builds on tmpfs"
                    + " (-Djava.io.tmpdir=/dev/shm) or minutes apart");
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
