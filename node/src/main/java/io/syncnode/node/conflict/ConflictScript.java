package io.syncnode.node.conflict;

import io.syncnode.node.os.ProcessGroups;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Runs a conflict script: {@code [script]} as an argument vector, working directory the folder
 * root, stdin from /dev/null, the environment reduced to PATH and LANG plus the {@code SYNCNODE_*}
 * variables of the contract, at most {@code timeout}. The first line of stdout is the answer:
 * {@code local}, {@code remote}, {@code both} or {@code merged} (then {@code SYNCNODE_OUTPUT} must
 * exist as a regular file). Anything else is {@link ScriptAnswer.Failed}. stderr goes to the log.
 * The script runs in a process group of its own ({@link ProcessGroups}), its stdout and stderr go
 * to files beside {@code SYNCNODE_OUTPUT} (so nothing it leaves running can hold a read open): at
 * the timeout it is killed with everything it started, and once it has exited, whatever it left
 * running is killed.
 *
 * <p>Thread-safe; blocks the calling thread for the script's run, so callers use their own pool.
 */
public final class ConflictScript {
    private static final Logger LOG = Logger.getLogger(ConflictScript.class.getName());
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_OUTPUT = 64 * 1024;

    private final Path executable;
    private final Duration timeout;

    public ConflictScript(Path executable, Duration timeout) {
        this.executable = executable;
        this.timeout = timeout;
    }

    /** The context of one run: see scripts/conflict/README.md for each variable. */
    public record Context(String folder, Path root, String path, Path local, Path remote, String localNode,
                          String remoteNode, long localMtimeNs, long remoteMtimeNs, Path output, String scope) {
    }

    /** Formats ns since the epoch as decimal seconds with 9 fraction digits ("1700000000.123456789"). */
    static String seconds(long ns) {
        long s = Math.floorDiv(ns, 1_000_000_000L);
        long f = Math.floorMod(ns, 1_000_000_000L);
        return s + "." + String.format("%09d", f);
    }

    public ScriptAnswer run(Context c) {
        ProcessBuilder pb = ProcessGroups.builder(List.of(executable.toString()), c.root());
        Map<String, String> env = pb.environment();
        env.put("SYNCNODE_FOLDER", c.folder());
        env.put("SYNCNODE_ROOT", c.root().toString());
        env.put("SYNCNODE_PATH", c.path());
        env.put("SYNCNODE_LOCAL", c.local() == null ? "" : c.local().toString());
        env.put("SYNCNODE_REMOTE", c.remote() == null ? "" : c.remote().toString());
        env.put("SYNCNODE_LOCAL_NODE", c.localNode());
        env.put("SYNCNODE_REMOTE_NODE", c.remoteNode());
        env.put("SYNCNODE_LOCAL_MTIME", seconds(c.localMtimeNs()));
        env.put("SYNCNODE_REMOTE_MTIME", seconds(c.remoteMtimeNs()));
        env.put("SYNCNODE_OUTPUT", c.output().toString());
        env.put("SYNCNODE_SCOPE", c.scope());
        // output goes to files, not pipes: nothing the script leaves running can hold a read open
        Path outFile;
        Path errFile;
        try {
            Path dir = c.output().toAbsolutePath().getParent();
            outFile = Files.createTempFile(dir, ".script-out-", "");
            errFile = Files.createTempFile(dir, ".script-err-", "");
        } catch (IOException e) {
            return new ScriptAnswer.Failed("cannot make the output files of " + executable + ": " + e.getMessage());
        }
        pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
        try {
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return new ScriptAnswer.Failed("cannot start " + executable + ": " + e.getMessage());
            }
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    ProcessGroups.kill(p); // the script and everything it started
                    return new ScriptAnswer.Failed(executable + " timed out after " + timeout.toSeconds()
                            + " s; it and every process it started were killed");
                }
            } catch (InterruptedException e) {
                ProcessGroups.kill(p);
                Thread.currentThread().interrupt();
                return new ScriptAnswer.Failed("interrupted while " + executable + " ran");
            }
            ProcessGroups.killOthers(p); // the script is done: what it left running goes
            logStderr(errFile, c.path());
            if (p.exitValue() != 0) {
                return new ScriptAnswer.Failed(executable + " exited with status " + p.exitValue());
            }
            return answer(first(outFile), c);
        } catch (IOException e) {
            return new ScriptAnswer.Failed("reading the output of " + executable + ": " + e.getMessage());
        } finally {
            deleteQuietly(outFile);
            deleteQuietly(errFile);
        }
    }

    private ScriptAnswer answer(String text, Context c) {
        String first = text.lines().findFirst().orElse("").strip();
        return switch (first) {
            case "local" -> new ScriptAnswer.KeepLocal();
            case "remote" -> new ScriptAnswer.KeepRemote();
            case "both" -> new ScriptAnswer.KeepBoth();
            case "merged" -> Files.isRegularFile(c.output(), LinkOption.NOFOLLOW_LINKS)
                    ? new ScriptAnswer.Merged(c.output())
                    : new ScriptAnswer.Failed(executable + " answered merged but wrote no regular file at "
                            + c.output());
            default -> new ScriptAnswer.Failed(executable + " answered \"" + first
                    + "\"; expected local, remote, both or merged");
        };
    }

    /** The first {@value #MAX_OUTPUT} bytes of {@code file}, as text. */
    private static String first(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.fine(() -> "cannot remove " + file + ": " + e.getMessage());
        }
    }

    private void logStderr(Path err, String path) {
        try {
            String text = first(err).strip();
            if (!text.isEmpty()) {
                LOG.info(() -> executable.getFileName() + " (" + path + "): " + text);
            }
        } catch (IOException e) {
            LOG.fine(() -> "reading stderr of " + executable + ": " + e.getMessage());
        }
    }
}
