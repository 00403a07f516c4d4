package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncnode.config.ClusterSection;
import io.syncnode.config.HostPort;
import io.syncnode.config.JGroupsStack;
import io.syncnode.config.NodeSection;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.config.Transport;
import io.syncnode.node.StartProgress;
import io.syncnode.node.SyncNode;
import io.syncnode.node.cli.TestConfigs.Run;
import io.syncnode.node.os.NotifySocket;
import io.syncnode.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code run} under a Type=notify service: the exact sd_notify messages on a real AF_UNIX datagram socket. */
class ServiceNotifierTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Node {@code name} of {@code cluster} (in-JVM loopback), folders ct101 (two files) and etc (one) under {@code base}. */
    private static SyncnodeConfig node(Path base, String name, String cluster) throws IOException {
        SyncnodeConfig c = new SyncnodeConfig(base.resolve("syncnode.toml"), new NodeSection(name, base.resolve("state")),
                new ClusterSection(cluster, Transport.UDP, new HostPort("127.0.0.1", 7800),
                        new HostPort("239.77.0.1", 45588), List.of(), null, false, List.of()),
                List.of(TestConfigs.folder("ct101", base.resolve("lxc/ct101")), TestConfigs.folder("etc", base.resolve("etc"))));
        c.folders().forEach(f -> {
            try {
                Files.createDirectories(f.path());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return c;
    }

    /** Starts real nodes on the in-JVM loopback stack of {@code cluster}. */
    private static NodeStarter loopback(String cluster) {
        return new NodeStarter() {
            @Override
            public RunningNode start(SyncnodeConfig config) throws Exception {
                return start(config, StartProgress.NONE);
            }

            @Override
            public RunningNode start(SyncnodeConfig config, StartProgress progress) throws Exception {
                return NodeStarter.running(SyncNode.start(config, JGroupsStack.loopback(cluster), Clock.systemUTC(),
                        progress));
            }
        };
    }

    private static String next(NotifySocket socket) throws IOException {
        String m = socket.receive(WAIT);
        assertNotNull(m, "no sd_notify message within " + WAIT);
        return m;
    }

    /** Everything already queued on the socket. */
    private static List<String> drain(NotifySocket socket) throws IOException {
        List<String> all = new ArrayList<>();
        for (String m = socket.receive(Duration.ZERO); m != null; m = socket.receive(Duration.ZERO)) {
            all.add(m);
        }
        return all;
    }

    @Test
    void readyComesAfterTheJoinWhenTheControlSocketAnswersThenWatchdogPingsThenStopping() throws Exception {
        String cluster = "notify-" + UUID.randomUUID();
        SyncnodeConfig alpha = node(dir.resolve("alpha"), "alpha", cluster);
        SyncnodeConfig beta = node(dir.resolve("beta"), "beta", cluster);
        Files.writeString(alpha.folders().get(0).path().resolve("a.txt"), "a");
        Files.writeString(alpha.folders().get(0).path().resolve("b.txt"), "b");
        Files.writeString(alpha.folders().get(1).path().resolve("hosts"), "127.0.0.1 localhost\n");
        String socketPath = dir.resolve("notify").toString();
        io.syncnode.node.os.NativeFs.umask(022); // as a shell leaves it (an earlier run in this JVM set 077)
        try (SyncNode b = SyncNode.start(beta, JGroupsStack.loopback(cluster), Clock.systemUTC());
             NotifySocket socket = NotifySocket.bind(socketPath)) {
            List<Runnable> shutdown = new CopyOnWriteArrayList<>();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Invocation invocation = new Invocation(new PrintStream(out, true), System.err, file -> alpha,
                    loopback(cluster), shutdown::add, Map.of("NOTIFY_SOCKET", socketPath, "WATCHDOG_USEC", "200000"));
            int[] code = {-1};
            Thread runner = new Thread(() -> code[0] = Main.execute(new String[] {"run", "-c", alpha.file().toString()},
                    invocation), "run");
            runner.start();

            List<String> beforeReady = new ArrayList<>();
            String ready;
            for (String m = next(socket); ; m = next(socket)) {
                if (m.contains("READY=1")) {
                    ready = m;
                    break;
                }
                beforeReady.add(m);
            }
            // READY=1 means the CLI works: the control socket answers, with both members
            Run status = TestConfigs.run((o, e) -> new Invocation(o, e, file -> alpha, loopback(cluster), a -> { }),
                    "status", "-c", alpha.file().toString(), "--json");
            assertEquals(0, status.code(), status.err());
            JsonNode members = new ObjectMapper().readTree(status.out()).get("members");
            assertEquals(2, members.size(), status.out());
            assertTrue(ready.startsWith("READY=1\nSTATUS=2 member(s): "), ready);
            assertTrue(ready.contains("alpha") && ready.contains("beta") && ready.contains("; 2 folder(s): "), ready);
            // the daemon's own files are its own only: run set the umask first
            assertTrue(Files.readAllLines(Path.of("/proc/self/status")).contains("Umask:\t0077"),
                    "run sets umask 077");

            // before READY: the start's steps, in order, and a request for more time
            assertEquals("STATUS=starting node alpha", beforeReady.get(0));
            assertEquals("EXTEND_TIMEOUT_USEC=30000000", beforeReady.get(1));
            List<String> steps = beforeReady.stream().filter(m -> !m.startsWith("EXTEND_TIMEOUT_USEC=")).toList();
            assertEquals(6, steps.size(), steps.toString());
            assertEquals("STATUS=scanning 2 folder(s): ct101, etc", steps.get(1));
            assertTrue(steps.get(2).matches("STATUS=scanned 1 of 2 folder\\(s\\); (ct101|etc): \\d+ change\\(s\\) since the last run"),
                    steps.get(2));
            assertTrue(steps.get(3).matches("STATUS=scanned 2 of 2 folder\\(s\\); (ct101|etc): \\d+ change\\(s\\) since the last run"),
                    steps.get(3));
            assertFalse(steps.get(2).split(";")[1].split(":")[0].equals(steps.get(3).split(";")[1].split(":")[0]),
                    "each folder once: " + steps);
            assertEquals("STATUS=joining cluster " + cluster, steps.get(4));
            assertTrue(steps.get(5).startsWith("STATUS=joined with 2 member(s): "), steps.get(5));

            // the watchdog: WATCHDOG_USEC/2 = 100 ms apart (fixed delay), each with a fresh status line
            drain(socket); // pings queued while the status verb ran would arrive back to back
            List<Long> at = new ArrayList<>();
            while (at.size() < 5) {
                String m = next(socket);
                assertTrue(m.startsWith("WATCHDOG=1\nSTATUS=2 member(s): "), m);
                at.add(System.nanoTime());
            }
            long spanMillis = (at.get(4) - at.get(0)) / 1_000_000;
            // five pings sent at least 100 ms apart span >= 400 ms; 150 ms of slack for a late first receive
            assertTrue(spanMillis >= 250, "5 pings within " + spanMillis + " ms");

            shutdown.forEach(Runnable::run); // what SIGTERM does
            runner.join(WAIT.toMillis());
            assertEquals(0, code[0]);
            List<String> last = drain(socket);
            assertFalse(last.isEmpty());
            assertEquals("STOPPING=1\nSTATUS=stopping", last.get(last.size() - 1), last.toString());
            assertTrue(last.subList(0, last.size() - 1).stream().allMatch(m -> m.startsWith("WATCHDOG=1\n")),
                    last.toString());
        }
    }

    @ParameterizedTest(name = "WATCHDOG_USEC={0} WATCHDOG_PID={1}: ping every {2} ms")
    @CsvSource(nullValues = "-", value = {
        "200000, -, 100",
        "30000000, 4242, 15000", // meant for this process (pid 4242 below)
        "30000000, 1, -", // meant for another process
        "0, -, -",
        "-, -, -",
        "soon, -, -"})
    void theWatchdogIntervalIsHalfOfWatchdogUsec(String usec, String pid, Long everyMillis) {
        Map<String, String> env = new HashMap<>();
        if (usec != null) {
            env.put("WATCHDOG_USEC", usec);
        }
        if (pid != null) {
            env.put("WATCHDOG_PID", pid);
        }
        Duration every = ServiceNotifier.watchdogEvery(env, 4242);
        assertEquals(everyMillis == null ? null : Duration.ofMillis(everyMillis), every);
    }

    @Test
    void withoutNotifySocketNothingIsSent() {
        assertFalse(ServiceNotifier.fromEnvironment(Map.of()).enabled());
        assertFalse(ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "")).enabled());
        ServiceNotifier.disabled().ready(() -> {
            throw new AssertionError("a disabled notifier asks nothing");
        });
    }

    @Test
    void noWatchdogPingWhileTheNodeDoesNotAnswer() throws Exception {
        String name = "@syncnode-test-" + UUID.randomUUID();
        AtomicInteger asked = new AtomicInteger();
        try (NotifySocket socket = NotifySocket.bind(name)) {
            ServiceNotifier notifier = ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", name,
                    "WATCHDOG_USEC", "20000"));
            Logger log = Logger.getLogger(ServiceNotifier.class.getName());
            Level was = log.getLevel();
            log.setLevel(Level.OFF); // the expected "did not answer" warnings
            try {
                notifier.ready(() -> {
                    if (asked.getAndIncrement() == 0) {
                        return "answering";
                    }
                    throw new IllegalStateException("stuck");
                });
                Await.await(WAIT, () -> asked.get() >= 5, () -> "5 status probes, got " + asked.get());
                notifier.stopping();
                notifier.close();
            } finally {
                log.setLevel(was);
            }
            assertEquals(List.of("READY=1\nSTATUS=answering", "STOPPING=1\nSTATUS=stopping"), drain(socket));
        }
    }

    @Test
    void aSocketNobodyListensOnIsLoggedOnceAndNeverStopsTheCaller() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(ServiceNotifier.class.getName());
        log.addHandler(capture);
        try {
            ServiceNotifier notifier = ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET",
                    dir.resolve("gone").toString()));
            notifier.starting("alpha");
            notifier.scanning(List.of("ct101"));
            notifier.scanned("ct101", 3);
            notifier.ready(() -> "fine");
            notifier.stopping();
            notifier.close();
        } finally {
            log.removeHandler(capture);
        }
        List<String> warnings = records.stream().filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage)
                .collect(Collectors.toList());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("cannot notify systemd (" + dir.resolve("gone") + ")"), warnings.get(0));
    }

    @Test
    void theStatusLineCountsMembersAndFolderStates() {
        io.syncnode.node.control.StatusView v = new io.syncnode.node.control.StatusView("alpha", List.of("alpha", "beta"),
                List.of(folder("ct101", "idle"), folder("ct102", "halted"), folder("etc", "idle")), null, null, null);
        assertEquals("2 member(s): alpha, beta; 3 folder(s): 1 halted, 2 idle", ServiceNotifier.describe(v));
        assertNull(ServiceNotifier.disabled().watchdogEvery());
        var seeding = new io.syncnode.node.control.StatusView.FolderStatus("ct101", "/srv/ct101", 1, 0, 0, 0, "syncing",
                null, null, Map.of(), List.of(), List.of(), "send-receive", 0,
                new io.syncnode.node.control.StatusView.Need(10, 10L << 20, 1_000_000, 2, 11L), 0);
        assertEquals("1 member(s): alpha; 1 folder(s): 1 syncing; ct101 needs 10 file(s) (10.0 MiB) from peers;"
                + " 1.0 MB/s, 2.0 files/s; ETA 11 s", ServiceNotifier.describe(new io.syncnode.node.control.StatusView(
                        "alpha", List.of("alpha"), List.of(seeding), null, null, null)));
    }

    private static io.syncnode.node.control.StatusView.FolderStatus folder(String name, String state) {
        return new io.syncnode.node.control.StatusView.FolderStatus(name, "/srv/" + name, 1, 0, 0, 0, state, null,
                null, Map.of(), List.of());
    }
}
