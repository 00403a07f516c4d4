package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/syncnode} starts {@code run} with the daemon's defaults (periodic full G1 collections and
 * a tight heap free ratio, so an idle node returns heap to the system; no heap cap; exit at once when out
 * of heap) and every other verb as a
 * fast client (C1, serial GC, small heap) with an AppCDS archive made (by a training run) and proven
 * before the first call and used by every call; {@code run} has an archive of its own, made by a
 * training node before its first start; {@code SYNCNODE_JAVA_OPTS} overrides either.
 */
class LauncherIT {
    @TempDir
    Path cds;

    @Test
    void runGetsTheDaemonDefaultsAndTheOperatorsOptionsWin() throws Exception {
        String plain = run(Map.of("SYNCNODE_JAVA_OPTS", "-XX:+PrintCommandLineFlags", "SYNCNODE_CDS_DIR", cds.toString()),
                "run", "--help");
        for (String flag : List.of("-XX:G1PeriodicGCInterval=300000", "-XX:-G1PeriodicGCInvokesConcurrent",
                "-XX:MaxHeapFreeRatio=40", "-XX:MinHeapFreeRatio=10", "-XX:-UsePerfData")) {
            assertTrue(plain.contains(flag), "an idle node gives back what a bulk copy took (issue 13): " + flag + " in "
                    + plain);
        }
        assertTrue(plain.contains("-XX:+ExitOnOutOfMemoryError"), "a node out of heap stops at once: " + plain);
        assertTrue(plain.contains("-XX:MaxInlineLevel=9") && plain.contains("-XX:InlineSmallCode=1000"),
                "C2 inlines less, and compiles less beside a bulk copy (issue 13): " + plain);
        assertEquals(String.valueOf(512L << 20), maxHeap(plain), "a heap sized for the job, not a quarter of the machine (issue 13)");
        boolean trims = java("-XX:TrimNativeHeapInterval=30000", "-version").contains("version");
        assertEquals(trims, plain.contains("-XX:TrimNativeHeapInterval=30000"),
                "the C heap is trimmed exactly when this java has the option: " + plain);
        assertTrue(plain.contains("Usage: syncnode run"), plain);
        String overridden = run(Map.of("SYNCNODE_JAVA_OPTS",
                "-Xmx1g -XX:G1PeriodicGCInterval=5000 -XX:MaxHeapFreeRatio=70 -XX:+UsePerfData -XX:+PrintCommandLineFlags",
                "SYNCNODE_CDS_DIR", cds.toString()), "run", "--help");
        assertTrue(overridden.contains("-XX:G1PeriodicGCInterval=5000"), overridden);
        assertTrue(overridden.contains("-XX:MaxHeapFreeRatio=70") && overridden.contains("-XX:+UsePerfData"), overridden);
        assertFalse(overridden.contains("-XX:G1PeriodicGCInterval=300000"), overridden);
        assertTrue(overridden.contains("-XX:MaxHeapSize=1073741824") && !overridden.contains("-XX:MaxHeapSize=536870912"),
                "the operator's heap cap wins: " + overridden);
        assertFalse(overridden.contains("-XX:MaxHeapFreeRatio=40") || overridden.contains("-XX:-UsePerfData"), overridden);
    }

    @Test
    void runStartsWithAClassDataArchiveOfItsOwnMadeByATrainingNodeBeforeTheFirstStart() throws Exception {
        Map<String, String> env = Map.of("SYNCNODE_JAVA_OPTS", "-XX:+PrintCommandLineFlags",
                "SYNCNODE_CDS_DIR", cds.toString());
        String first = run(env, "run", "--help");
        List<Path> made = archives("syncnode-run-");
        assertEquals(1, made.size(), "one archive, made by a training node, proven and renamed into place: " + made);
        assertTrue(first.contains("-XX:SharedArchiveFile=" + made.get(0)), "the first start already uses it: " + first);
        assertTrue(first.contains("-XX:+UseG1GC") || !first.contains("-XX:+UseSerialGC"), "the daemon's own JVM: " + first);
        assertEquals(List.of(), archives("syncnode-cli-"), "the CLI's archive is made only for a CLI call");
        assertEquals(List.of(), archives(".syncnode-"), "no temp archive left");
        // -Xshare:on (after the launcher's -Xshare:auto, so it wins): the JVM fails unless it maps the archive
        String second = run(Map.of("SYNCNODE_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xshare:on",
                "SYNCNODE_CDS_DIR", cds.toString()), "run", "--help");
        assertTrue(second.contains("-XX:SharedArchiveFile=" + made.get(0)), "later starts use it: " + second);
        assertEquals(made, archives("syncnode-run-"), "made once");
        String off = run(Map.of("SYNCNODE_JAVA_OPTS", "-XX:+PrintCommandLineFlags", "SYNCNODE_CDS_DIR", cds.toString(),
                "SYNCNODE_CDS", "off"), "run", "--help");
        assertFalse(off.contains("SharedArchiveFile") || off.contains("ArchiveClassesAtExit"), off);
    }

    @Test
    void otherVerbsStartAsAClientWithAClassDataArchiveMadeBeforeTheFirstCall() throws Exception {
        Map<String, String> env = Map.of("SYNCNODE_JAVA_OPTS", "-XX:+PrintCommandLineFlags",
                "SYNCNODE_CDS_DIR", cds.toString());
        String first = run(env, "version");
        assertTrue(first.contains("-XX:+UseSerialGC") && first.contains("-XX:TieredStopAtLevel=1"), first);
        List<Path> archives = archives();
        assertEquals(1, archives.size(), "one archive, made by the training run, proven and renamed into place: "
                + archives);
        assertTrue(first.contains("-XX:SharedArchiveFile=" + archives.get(0)), "the first call already uses it: " + first);
        assertFalse(first.contains("ArchiveClassesAtExit"), "the verb's own run makes nothing: " + first);
        assertTrue(first.startsWith("syncnode ") || first.contains("\nsyncnode "), "the version line: " + first);
        String second = run(Map.of("SYNCNODE_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xshare:on",
                "SYNCNODE_CDS_DIR", cds.toString()), "version");
        assertTrue(second.contains("-XX:SharedArchiveFile=" + archives.get(0)), "later calls use it: " + second);
        assertEquals(archives, archives(), "made once");

        // a truncated archive would crash the JVM: one left by a crash under a temp name is never used
        Files.write(cds.resolve(".syncnode-cli-x.1.jsa"), new byte[100]);
        assertTrue(run(env, "version").contains("-XX:SharedArchiveFile=" + archives.get(0)));
        String off = run(Map.of("SYNCNODE_JAVA_OPTS", "-XX:+PrintCommandLineFlags", "SYNCNODE_CDS_DIR", cds.toString(),
                "SYNCNODE_CDS", "off"), "version");
        assertFalse(off.contains("SharedArchiveFile") || off.contains("ArchiveClassesAtExit"), off);
    }

    /** {@code java ARGS}, the java the launcher finds ($JAVA_HOME's, else the PATH's): its output, "" when it fails. */
    private static String java(String... args) throws IOException, InterruptedException {
        String home = System.getenv("JAVA_HOME");
        boolean ofHome = home != null && !home.isEmpty() && Files.isExecutable(Path.of(home, "bin", "java"));
        List<String> cmd = new java.util.ArrayList<>(List.of(ofHome ? Path.of(home, "bin", "java").toString() : "java"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java did not end");
        return p.exitValue() == 0 ? out : "";
    }

    private static String maxHeap(String flags) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-XX:MaxHeapSize=(\\d+)").matcher(flags);
        assertTrue(m.find(), flags);
        return m.group(1);
    }

    private List<Path> archives() throws IOException {
        return archives("syncnode-cli-");
    }

    private List<Path> archives(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(cds)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".jsa")).toList();
        }
    }

    @Test
    void aCopyOfTheJarElsewhereGetsAnArchiveOfItsOwnAndLeavesTheFirstOne(@TempDir Path elsewhere) throws Exception {
        Path jar = PartitionPoliciesIT.repoRoot().resolve("node/target/syncnode.jar");
        Path copy = Files.copy(jar, elsewhere.resolve("syncnode.jar"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Map<String, String> env = Map.of("SYNCNODE_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xshare:on",
                "SYNCNODE_CDS_DIR", cds.toString());
        run(env, "version");
        List<Path> first = archives();
        assertEquals(1, first.size(), first.toString());
        // same size and mtime, another path: an archive records its class path, so the first one would not map
        String other = runJar(copy, env, "version");
        List<Path> both = archives();
        assertEquals(2, both.size(), "one archive per jar: " + both);
        assertTrue(both.containsAll(first), "the first jar's archive stays: " + both);
        assertFalse(other.contains("-XX:SharedArchiveFile=" + first.get(0)), other);
        assertTrue(run(env, "version").contains("-XX:SharedArchiveFile=" + first.get(0)), "and is still used");
    }

    /** {@code scripts/syncnode ARGS} with {@code env} added; its stdout and stderr; fails unless it exits 0. */
    private static String run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return launch(List.of(PartitionPoliciesIT.repoRoot().resolve("scripts/syncnode").toString()), env, args);
    }

    /** {@code scripts/launch-jar JAR ARGS}, as {@link #run}. */
    private static String runJar(Path jar, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return launch(List.of(PartitionPoliciesIT.repoRoot().resolve("scripts/launch-jar").toString(), jar.toString()), env,
                args);
    }

    private static String launch(List<String> launcher, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(launcher);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
