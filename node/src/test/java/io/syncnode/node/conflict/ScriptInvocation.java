package io.syncnode.node.conflict;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One run of a conflict script from {@code scripts/conflict/} the way the node runs it: an argument
 * vector without arguments (no shell), an explicit environment holding only PATH, LANG and the
 * {@code SYNCNODE_*} variables, the folder root as working directory and stdin from /dev/null.
 * Starts from a complete file-scope environment; tests change what their case is about.
 */
final class ScriptInvocation {
    /** surefire runs with the node module as working directory. */
    static final Path SCRIPTS = Path.of("..", "scripts", "conflict").toAbsolutePath().normalize();

    private static final long TIMEOUT_SECONDS = 30;

    private final Path script;
    private final Path root;
    private final Path scratch;
    private final Map<String, String> env = new TreeMap<>();

    /**
     * @param name    the script's file name in scripts/conflict
     * @param scratch a directory for the folder root, stdout and stderr captures
     */
    ScriptInvocation(String name, Path scratch) throws IOException {
        this.script = SCRIPTS.resolve(name);
        this.scratch = scratch;
        this.root = Files.createDirectories(scratch.resolve("root"));
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("LANG", "C.UTF-8");
        env.put("SYNCNODE_FOLDER", "ct101");
        env.put("SYNCNODE_ROOT", root.toString());
        env.put("SYNCNODE_PATH", "etc/hosts");
        env.put("SYNCNODE_LOCAL", "");
        env.put("SYNCNODE_REMOTE", "");
        env.put("SYNCNODE_LOCAL_NODE", "alpha");
        env.put("SYNCNODE_REMOTE_NODE", "beta");
        env.put("SYNCNODE_LOCAL_MTIME", "1700000000.000000000");
        env.put("SYNCNODE_REMOTE_MTIME", "1700000000.000000000");
        env.put("SYNCNODE_OUTPUT", scratch.resolve("output").toString());
        env.put("SYNCNODE_SCOPE", "file");
    }

    ScriptInvocation set(String name, String value) {
        env.put(name, value);
        return this;
    }

    ScriptInvocation unset(String name) {
        env.remove(name);
        return this;
    }

    Path output() {
        return Path.of(env.get("SYNCNODE_OUTPUT"));
    }

    Result run() throws IOException, InterruptedException {
        if (!Files.isExecutable(script)) {
            fail(script + " is missing or not executable");
        }
        Path stdout = Files.createTempFile(scratch, "stdout", ".txt");
        Path stderr = Files.createTempFile(scratch, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(List.of(script.toString()))
                .directory(root.toFile())
                .redirectInput(new File("/dev/null"))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(script.getFileName() + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(),
                Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /** What a run left: exit code, stdout and stderr as text. */
    record Result(int exitCode, String stdout, String stderr) {
        /** The answer the node reads: stdout's first line, or "" if stdout is empty. */
        String answer() {
            int end = stdout.indexOf('\n');
            return end < 0 ? stdout : stdout.substring(0, end);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ", stdout [" + stdout + "], stderr [" + stderr + "]";
        }
    }
}
