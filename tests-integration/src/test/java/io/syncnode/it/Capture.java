package io.syncnode.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.syncnode.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tcpdump on the bridge of a {@link NetNs} (in its hub namespace), writing every frame that
 * crosses the virtual LAN, whole ({@code -s 0}), to a classic pcap file. The bridge is put in
 * promiscuous mode by tcpdump, so it sees unicast between the nodes as well as multicast.
 * Each packet is written as it arrives ({@code --immediate-mode -U}), so {@link #await} can read
 * the growing file until what a test needs is in it; {@link #stop} ends tcpdump (SIGTERM: it
 * flushes and exits) and parses the file; {@link #close} kills it on every other path. Skips the
 * test (assumption) when tcpdump is not installed.
 */
public final class Capture implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(20);
    /**
     * The kernel buffer: in immediate mode every ring slot holds a whole snap length (256 KiB), and
     * tcpdump's default 2 MiB (8 slots) drops most of a burst of 60 KB datagrams' fragments.
     */
    private static final int BUFFER_KIB = 128 * 1024;

    private final Process process;
    private final Path file;
    private final Path err;

    private Capture(Process process, Path file, Path err) {
        this.process = process;
        this.file = file;
        this.err = err;
    }

    /** Skips the calling test unless tcpdump is installed. */
    public static void assumeTcpdump() {
        assumeTrue(NetNs.which("tcpdump") != null, "needs tcpdump to capture packets (apt-get install tcpdump); skipped");
    }

    /**
     * Starts capturing into {@code file} what matches {@code filter} (a pcap filter expression,
     * empty: everything) and returns once tcpdump listens.
     */
    public static Capture start(NetNs ns, Path file, String filter) {
        assumeTcpdump();
        List<String> cmd = new ArrayList<>(List.of(NetNs.which("ip"), "netns", "exec", ns.name(), NetNs.which("tcpdump"),
                "-i", "br0", "-n", "-s", "0", "-B", Integer.toString(BUFFER_KIB), "-U", "--immediate-mode", "-Z", "root",
                "-w", file.toString()));
        if (!filter.isBlank()) {
            cmd.addAll(List.of(filter.split(" ")));
        }
        Path err = file.resolveSibling(file.getFileName() + ".err");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + cmd, e);
        }
        Capture c = new Capture(p, file, err);
        try {
            Await.await(START, Duration.ofMillis(20), () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("tcpdump exited with " + p.exitValue() + ": " + c.errText());
                }
                return c.errText().contains("listening on br0");
            }, () -> "tcpdump listening on br0 in " + ns.name() + ": " + c.errText());
        } catch (AssertionError e) {
            c.close();
            throw e;
        }
        return c;
    }

    private String errText() {
        try {
            return Files.exists(err) ? Files.readString(err) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Waits until the packets captured so far satisfy {@code condition} (the file is read as it grows). */
    public void await(Duration timeout, java.util.function.Predicate<Pcap> condition, String what) {
        Await.await(timeout, Duration.ofMillis(100), () -> {
            try {
                return condition.test(Pcap.read(file));
            } catch (IOException | IllegalArgumentException e) {
                return false; // not written yet
            }
        }, () -> "the capture holds " + what + " (" + errText().strip() + ")");
    }

    /** Stops tcpdump (SIGTERM, bounded) and parses what it wrote. */
    public Pcap stop() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("tcpdump did not exit within 10 s of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        java.util.regex.Matcher dropped = java.util.regex.Pattern.compile("(\\d+) packets dropped by kernel").matcher(errText());
        if (!dropped.find() || !dropped.group(1).equals("0")) {
            throw new AssertionError("tcpdump dropped packets (or did not say): the capture is incomplete: " + errText());
        }
        Pcap pcap = Pcap.read(file);
        System.out.printf("captured %d frames (%d UDP/TCP packets, %d bytes of file) into %s; tcpdump: %s%n",
                pcap.frames(), pcap.packets().size(), Files.size(file), file, errText().strip().replace('\n', ' '));
        return pcap;
    }

    /** The raw capture file (valid after {@link #stop}). */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
