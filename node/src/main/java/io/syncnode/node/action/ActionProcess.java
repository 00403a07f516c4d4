package io.syncnode.node.action;

import io.syncnode.node.os.ProcessGroups;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Runs one action: {@code exec} as an argument vector (through {@code setsid}, so that it leads a
 * process group of its own, see {@link ProcessGroups}), working directory the folder root, stdin
 * from /dev/null, the environment reduced to PATH and LANG plus:
 * <ul>
 * <li>{@code SYNCNODE_FOLDER}: the folder's name; {@code SYNCNODE_ROOT}: its root directory;</li>
 * <li>{@code SYNCNODE_PATHS}: the relative paths whose changes triggered the run, one per line, in
 *     the display form of the logs (control characters and bytes that are not UTF-8 as
 *     {@code \xNN}, a backslash doubled); at most {@value #MAX_PATHS} paths and
 *     {@value #MAX_PATHS_BYTES} bytes (Linux refuses a larger single variable);</li>
 * <li>{@code SYNCNODE_PATH_COUNT}: how many paths triggered it, also those left out of the list.</li>
 * </ul>
 * stdout and stderr go together to a file in {@code outputDir} (a file, not a pipe: nothing the
 * action leaves running can hold a read open), whose first {@value #MAX_OUTPUT} bytes are logged
 * at INFO line by line after the run, each line prefixed with the action's label. At the timeout
 * the action and its whole process group are killed. An action that exits leaves what it started
 * running (it may have restarted a daemon).
 *
 * <p>Thread-safe; blocks the calling thread for the run, so callers use a pool of their own.
 */
public final class ActionProcess {
    private static final Logger LOG = Logger.getLogger(ActionProcess.class.getName());
    public static final int MAX_PATHS = 1000;
    public static final int MAX_PATHS_BYTES = 64 * 1024;
    static final int MAX_OUTPUT = 64 * 1024;

    private final String label;
    private final List<String> exec;
    private final Duration timeout;
    private final Path outputDir;

    /**
     * @param label     names the action in the log, e.g. {@code "ct101 action[0] (nginx)"}
     * @param outputDir where the output file of a run goes (made if missing)
     */
    public ActionProcess(String label, List<String> exec, Duration timeout, Path outputDir) {
        this.label = label;
        this.exec = List.copyOf(exec);
        this.timeout = timeout;
        this.outputDir = outputDir;
    }

    /** The context of one run: the folder, and the paths (display form) that triggered it. */
    public record Trigger(String folder, Path root, List<String> paths, int pathCount) {
    }

    /** Runs the action once, to its end or its timeout. */
    public ActionOutcome run(Trigger t) {
        ProcessBuilder pb = ProcessGroups.builder(exec, t.root());
        Map<String, String> env = pb.environment();
        env.put("SYNCNODE_FOLDER", t.folder());
        env.put("SYNCNODE_ROOT", t.root().toString());
        env.put("SYNCNODE_PATHS", pathList(t.paths()));
        env.put("SYNCNODE_PATH_COUNT", Integer.toString(t.pathCount()));
        Path out;
        try {
            Files.createDirectories(outputDir);
            out = Files.createTempFile(outputDir, "action-out-", "");
        } catch (IOException e) {
            return new ActionOutcome.NotStarted("cannot make its output file in " + outputDir + ": " + e.getMessage());
        }
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        try {
            return runWith(pb, out);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException e) {
                LOG.fine(() -> "cannot remove " + out + ": " + e.getMessage());
            }
        }
    }

    private ActionOutcome runWith(ProcessBuilder pb, Path out) {
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new ActionOutcome.NotStarted("cannot start " + exec.get(0) + ": " + e.getMessage());
        }
        ActionOutcome outcome;
        try {
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                outcome = p.exitValue() == 0 ? new ActionOutcome.Succeeded() : new ActionOutcome.Failed(p.exitValue());
            } else {
                ProcessGroups.kill(p); // the action and everything it started
                outcome = new ActionOutcome.TimedOut(timeout);
            }
        } catch (InterruptedException e) {
            ProcessGroups.kill(p); // the node is stopping
            Thread.currentThread().interrupt();
            outcome = new ActionOutcome.NotStarted("interrupted: the node is stopping; it was killed");
        }
        logOutput(out);
        return outcome;
    }

    /** The paths one per line, cut at {@value #MAX_PATHS_BYTES} bytes. */
    static String pathList(List<String> paths) {
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (String p : paths) {
            int len = p.getBytes(StandardCharsets.UTF_8).length + 1;
            if (bytes + len > MAX_PATHS_BYTES) {
                break;
            }
            sb.append(p).append('\n');
            bytes += len;
        }
        return sb.toString();
    }

    private void logOutput(Path out) {
        byte[] head;
        boolean cut;
        try (InputStream in = Files.newInputStream(out)) {
            head = in.readNBytes(MAX_OUTPUT);
            cut = in.read() >= 0;
        } catch (IOException e) {
            LOG.warning(() -> label + ": cannot read its output: " + e.getMessage());
            return;
        }
        String text = new String(head, StandardCharsets.UTF_8);
        text.lines().filter(l -> !l.isBlank()).forEach(l -> LOG.info(() -> label + ": " + l));
        if (cut) {
            LOG.info(() -> label + ": (output cut after " + MAX_OUTPUT / 1024 + " KiB)");
        }
    }
}
