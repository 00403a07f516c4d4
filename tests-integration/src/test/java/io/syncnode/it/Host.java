package io.syncnode.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The test host's own commands (rsync, setfattr, mknod, debootstrap...), run as argument vectors
 * with a deadline, and the JUnit assumptions that skip a test when a command or root is missing.
 *
 * <p>Output is kept as bytes and decoded as ISO-8859-1 where text is wanted: one char per byte, so
 * non-UTF-8 file names printed by a tool survive (the test JVM's own String view of such names is
 * lossy, see the node's {@code FileNameBytesTest}).
 */
public final class Host {
    private static final List<String> PATH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
            "/sbin", "/bin");

    private Host() {
    }

    /** A finished command: its argument vector, exit code, stdout (bytes) and stderr (text). */
    public record Result(List<String> argv, int exit, byte[] out, String err) {
        /** stdout, one char per byte. */
        public String text() {
            return new String(out, StandardCharsets.ISO_8859_1);
        }

        /** stdout split into lines (no trailing empty line). */
        public List<String> lines() {
            String t = text();
            if (t.isEmpty()) {
                return List.of();
            }
            return List.of((t.endsWith("\n") ? t.substring(0, t.length() - 1) : t).split("\n", -1));
        }

        /** This result, or an AssertionError naming the command, its exit code and its output. */
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            String o = text();
            return String.join(" ", argv) + " -> exit " + exit + "\n--- stdout:\n"
                    + (o.length() > 4000 ? o.substring(0, 4000) + "\n..." : o) + "--- stderr:\n" + err;
        }
    }

    /** Runs {@code argv} (stdin /dev/null) and waits for it, at most {@code timeout}; kills it after. */
    public static Result run(Duration timeout, String... argv) {
        return run(timeout, Map.of(), List.of(argv));
    }

    /** Runs {@code argv} with extra environment variables {@code env}; see {@link #run(Duration, String...)}. */
    public static Result run(Duration timeout, Map<String, String> env, List<String> argv) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + argv, e);
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p, false));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p, true));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", argv) + " did not finish within " + timeout);
            }
            return new Result(List.copyOf(argv), p.exitValue(), out.get(), new String(err.get(), StandardCharsets.ISO_8859_1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted while running " + argv, e);
        } catch (ExecutionException e) {
            throw new AssertionError("reading the output of " + argv, e.getCause());
        }
    }

    private static byte[] readAll(Process p, boolean stderr) {
        try {
            return (stderr ? p.getErrorStream() : p.getInputStream()).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code argv} and fails unless it exits 0. */
    public static Result ok(Duration timeout, String... argv) {
        return run(timeout, argv).ok();
    }

    /** The absolute path of command {@code name} in the usual bin and sbin directories, or null. */
    public static String which(String name) {
        List<String> dirs = new ArrayList<>(PATH);
        String env = System.getenv("PATH");
        if (env != null) {
            dirs.addAll(0, List.of(env.split(":")));
        }
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** Whether this JVM runs as uid 0. */
    public static boolean isRoot() {
        return "0".equals(run(Duration.ofSeconds(10), "id", "-u").ok().text().strip());
    }

    /** Skips the calling test unless this JVM runs as root; {@code why} says what root is needed for. */
    public static void assumeRoot(String why) {
        assumeTrue(isRoot(), "needs root " + why + " (id -u is not 0); skipped");
    }

    /** Skips the calling test unless every command is installed; the message names the missing ones and their packages. */
    public static void assumeCommands(Map<String, String> commandToPackage) {
        List<String> missing = new ArrayList<>();
        commandToPackage.forEach((cmd, pkg) -> {
            if (which(cmd) == null) {
                missing.add(cmd + " (apt-get install " + pkg + ")");
            }
        });
        assumeTrue(missing.isEmpty(), "needs " + String.join(", ", missing) + "; skipped");
    }
}
