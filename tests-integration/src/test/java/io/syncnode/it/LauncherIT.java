package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/syncnode} starts the JVM with its daemon default (periodic G1 collections, so an
 * idle node returns heap to the system) and lets {@code SYNCNODE_JAVA_OPTS} override it.
 */
class LauncherIT {
    @Test
    void theLauncherSetsThePeriodicCollectionAndTheOperatorsOptionsWin() throws Exception {
        String plain = run("-XX:+PrintCommandLineFlags");
        assertTrue(plain.contains("-XX:G1PeriodicGCInterval=60000"), plain);
        assertTrue(plain.contains("-XX:+ExitOnOutOfMemoryError"), "a node out of heap stops at once: " + plain);
        assertTrue(plain.contains("syncnode "), "the version line: " + plain);
        String overridden = run("-XX:G1PeriodicGCInterval=5000 -XX:+PrintCommandLineFlags");
        assertTrue(overridden.contains("-XX:G1PeriodicGCInterval=5000"), overridden);
        assertFalse(overridden.contains("-XX:G1PeriodicGCInterval=60000"), overridden);
    }

    /** {@code scripts/syncnode version} with {@code SYNCNODE_JAVA_OPTS=opts}; its stdout and stderr. */
    private static String run(String opts) throws IOException, InterruptedException {
        Path launcher = PartitionPoliciesIT.repoRoot().resolve("scripts/syncnode");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "version").redirectErrorStream(true);
        pb.environment().put("SYNCNODE_JAVA_OPTS", opts);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
