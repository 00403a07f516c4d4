package io.syncnode.it;

import io.syncnode.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One syncnode node as a separate JVM: {@code java -Xmx256m -XX:+ExitOnOutOfMemoryError -jar syncnode.jar run
 * -c <home>/syncnode.toml} (the launcher's fail-fast default), stdout and stderr appended to
 * {@code <home>/node.log}; {@code -Dit.nodeJvm="OPTS"} adds JVM options (space-separated) before
 * {@code -jar}. Its folder is {@code <home>/data}, its
 * state {@code <home>/state}. CLI verbs run as second, short JVMs ({@link #cli}, {@link #control}).
 *
 * <p>Every instance is registered until {@link #close}: {@link LogTailsOnFailure} prints the logs of
 * the registered nodes when a test fails, and a shutdown hook kills what is still running if the
 * test JVM exits without closing (so no node outlives the test run).
 */
public final class NodeProcess implements AutoCloseable {
    static final Set<NodeProcess> REGISTERED = ConcurrentHashMap.newKeySet();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (NodeProcess n : REGISTERED) {
                Process p = n.process;
                if (p != null && p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }, "kill-leftover-nodes"));
    }

    private final Path jar;
    private final String name;
    private final Path home;
    private final Path config;
    private final Path folder;
    private final Path log;
    private final List<String> commandPrefix;
    private final AtomicInteger cliCalls = new AtomicInteger();
    private volatile Process process;
    private volatile String maxHeap = "-Xmx256m";
    private long logOffsetAtStart;

    /**
     * Writes {@code <home>/syncnode.toml}: node {@code name}, {@code clusterToml} (a complete
     * {@code [cluster]} section) and one folder "data" at {@code <home>/data} with the given settle time.
     */
    public NodeProcess(Path jar, String name, Path home, String clusterToml, String settle) throws IOException {
        this(jar, name, home, clusterToml, settle, Map.of("data", ""), List.of());
    }

    /**
     * Like the five-argument constructor, but with one {@code [[folder]]} per entry of
     * {@code folders} (folder name -> extra TOML lines for that folder, e.g.
     * {@code conflict = "manual"}), each at {@code <home>/<name>}, and a {@code commandPrefix}
     * put before {@code java} when the node is started (e.g. {@code ip netns exec NS}; empty: none).
     * The CLI verbs never use the prefix: they talk to the node over its Unix control socket.
     */
    public NodeProcess(Path jar, String name, Path home, String clusterToml, String settle,
                       Map<String, String> folders, List<String> commandPrefix) throws IOException {
        this.jar = jar;
        this.name = name;
        this.home = home;
        this.config = home.resolve("syncnode.toml");
        this.folder = home.resolve("data");
        this.log = home.resolve("node.log");
        this.commandPrefix = List.copyOf(commandPrefix);
        Files.createDirectories(home.resolve("cli"));
        StringBuilder toml = new StringBuilder("""
                [node]
                name = "%s"
                state-dir = "%s"

                %s
                """.formatted(name, home.resolve("state"), clusterToml.strip()));
        for (Map.Entry<String, String> f : folders.entrySet()) {
            Path dir = home.resolve(f.getKey());
            Files.createDirectories(dir);
            toml.append("""

                    [[folder]]
                    name = "%s"
                    path = "%s"
                    settle = "%s"
                    """.formatted(f.getKey(), dir, settle));
            if (!f.getValue().isBlank()) {
                toml.append(f.getValue().strip()).append('\n');
            }
        }
        Files.writeString(config, toml.toString());
        REGISTERED.add(this);
    }

    /** The jar under test: system property {@code syncnode.jar} (set by failsafe), else node/target/syncnode.jar. */
    public static Path jarUnderTest() {
        String p = System.getProperty("syncnode.jar");
        Path jar = p != null ? Path.of(p) : Path.of("node/target/syncnode.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing; build it with: mvn -B -q -DskipTests package");
        }
        return jar.toAbsolutePath().normalize();
    }

    public String name() {
        return name;
    }

    public Path config() {
        return config;
    }

    public Path folder() {
        return folder;
    }

    /** The root of folder {@code folderName} ({@code <home>/<folderName>}). */
    public Path folder(String folderName) {
        return home.resolve(folderName);
    }

    /** The node's state dir ({@code <home>/state}). */
    public Path stateDir() {
        return home.resolve("state");
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Runs this node's next starts with {@code -Xmx<size>} (e.g. "64m") instead of 256m: a node that
     * outgrows it exits ({@code -XX:+ExitOnOutOfMemoryError}). Returns this node.
     */
    public NodeProcess maxHeap(String size) {
        this.maxHeap = "-Xmx" + size;
        return this;
    }

    /** Spawns {@code run -c config}; returns at once (see {@link #waitUntilRunning}). */
    public synchronized void start() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        logOffsetAtStart = Files.exists(log) ? Files.size(log) : 0;
        Files.writeString(log, "=== harness: starting " + name + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        List<String> cmd = new ArrayList<>(commandPrefix);
        cmd.addAll(List.of(JAVA, maxHeap, "-XX:+ExitOnOutOfMemoryError"));
        String extra = System.getProperty("it.nodeJvm", "").strip();
        if (!extra.isEmpty()) { // e.g. -Djava.util.logging.config.file=F to log JGroups protocols (investigations)
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar.toString(), "run", "-c", config.toString()));
        if (Boolean.getBoolean("it.verbose")) {
            cmd.add("--verbose");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        process = pb.start();
    }

    /** Waits for the "syncnode NAME running" line of this start; fails if the process exits first. */
    public void waitUntilRunning(Duration timeout) {
        String line = "syncnode " + name + " running (control: ";
        Await.await(timeout, Duration.ofMillis(50), () -> {
            if (logSinceStart().contains(line)) {
                return true;
            }
            if (!isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before running:\n" + logTail(40));
            }
            return false;
        }, () -> name + " running\n" + logTail(40));
    }

    private String logSinceStart() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logOffsetAtStart, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Whole log text (all starts). */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + log + ": " + e + ">";
        }
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        List<String> all = Arrays.asList(logText().split("\n", -1));
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** SIGTERM, then waits (bounded) for the process to exit; returns its exit code. Fails (after SIGKILL) if it hangs. */
    public int stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return p == null ? -1 : p.exitValue();
        }
        p.destroy(); // SIGTERM on Unix
        try {
            if (!p.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(name + " did not exit within " + STOP_WAIT + " of SIGTERM; killed it\n" + logTail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while stopping " + name, e);
        }
        return p.exitValue();
    }

    /**
     * {@link #stop} and asserts a clean shutdown: exit code 0 or 143 (the JVM's status after a
     * SIGTERM-initiated shutdown) and the control socket removed by the node's shutdown hook.
     * (Not the node's "stopped" log line: java.util.logging's own shutdown hook closes the handlers
     * concurrently, so lines logged while stopping are often lost.)
     */
    public void stopCleanly() {
        int exit = stop();
        if (exit != 0 && exit != 143) {
            throw new AssertionError(name + " exited with " + exit + " on SIGTERM\n" + logTail(40));
        }
        if (Files.exists(home.resolve("state/control.sock"))) {
            throw new AssertionError(name + " exited (" + exit + ") but left its control socket behind\n" + logTail(40));
        }
    }

    /** SIGKILL: a crash, no shutdown hooks. */
    public void kill9() throws InterruptedException {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: the process is frozen (its inotify queue keeps filling, its peers see it silent). */
    public void sigstop() {
        signal("STOP");
    }

    public void sigcont() {
        signal("CONT");
    }

    private void signal(String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).inheritIO().start();
            if (k.waitFor() != 0) {
                throw new AssertionError("kill -" + sig + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs {@code syncnode ARGS...} as a short JVM and returns what it did (bounded: 2 minutes). */
    public CliResult cli(String... args) {
        return cli(jar, home.resolve("cli"), cliCalls.incrementAndGet(), args);
    }

    /** Runs {@code syncnode ARGS...} with {@code jar}; its stdout/stderr go to files N.out/N.err in {@code dir}. */
    public static CliResult cli(Path jar, Path dir, int n, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xshare:auto", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        try {
            Files.createDirectories(dir);
            Path out = dir.resolve(n + ".out");
            Path err = dir.resolve(n + ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("syncnode " + String.join(" ", args) + " did not finish within 2 minutes");
            }
            return new CliResult(List.of(args), p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code syncnode VERB -c <config> EXTRA...}. */
    public CliResult control(String verb, String... extra) {
        List<String> args = new ArrayList<>(List.of(verb, "-c", config.toString()));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    /**
     * {@code status --json}, parsed; fails unless the exit code is 0 (healthy) or 4 (degraded: no
     * other member, a halted folder, open problems), and unless it agrees with the answer's health.
     */
    public JsonNode statusJson() {
        CliResult r = control("status", "--json");
        if (r.exit() != 0 && r.exit() != 4) {
            throw new AssertionError(name + ": " + r);
        }
        JsonNode status = parse(r);
        if (status.path("health").path("healthy").asBoolean() != (r.exit() == 0)) {
            throw new AssertionError(name + ": exit code " + r.exit() + " disagrees with the health it prints: " + r);
        }
        return status;
    }

    /**
     * The node's {@code status} answer, asked over its control socket from this JVM: for a poll in a
     * benchmark, where a CLI JVM started every fraction of a second would take CPU from the nodes it
     * measures (the {@code status} CLI itself is tested by {@link #statusJson}).
     */
    public JsonNode statusOverSocket() {
        ObjectNode request = new ObjectMapper().createObjectNode().put("verb", "status");
        try {
            return io.syncnode.node.control.ControlClient.call(stateDir().resolve("control.sock"), request,
                    Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": status over the control socket failed", e);
        }
    }

    /** {@code dirty --json}, parsed (an array); fails unless the exit code is 0. */
    public JsonNode dirtyJson() {
        return json(control("dirty", "--json"));
    }

    private JsonNode json(CliResult r) {
        if (r.exit() != 0) {
            throw new AssertionError(name + ": " + r);
        }
        return parse(r);
    }

    private JsonNode parse(CliResult r) {
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new AssertionError(name + ": not JSON: " + r, e);
        }
    }

    /** {@code conflicts --json}, parsed (an array); fails unless the exit code is 0. */
    public JsonNode conflictsJson() {
        return json(control("conflicts", "--json"));
    }

    /** Member names in this node's current view (one status call). */
    public Set<String> members() {
        Set<String> out = new java.util.TreeSet<>();
        statusJson().path("members").forEach(m -> out.add(m.asText()));
        return out;
    }

    /** Names of the peers this node has heard from ({@code peers --json}): those it keeps dirty entries toward. */
    public Set<String> peers() {
        Set<String> out = new java.util.TreeSet<>();
        json(control("peers", "--json")).forEach(p -> out.add(p.path("name").asText()));
        return out;
    }

    /** Stops the node if it runs (SIGTERM, then SIGKILL if it hangs) and unregisters it. */
    @Override
    public void close() {
        try {
            if (isAlive()) {
                stop();
            }
        } finally {
            REGISTERED.remove(this);
        }
    }

    @Override
    public String toString() {
        return name + (isAlive() ? " (pid " + pid() + ")" : " (stopped)");
    }
}
