package io.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Admission, authenticated encryption and node identity (PROTOCOL.md section 9) on real node
 * processes in network namespaces: the tests of {@link SealedClusterTests} over each transport,
 * and what a node does without credentials. Needs root, ip and iptables (skipped otherwise); the
 * capture tests also need tcpdump.
 */
class SecurityIT {

    @Nested
    class Udp extends SealedClusterTests {
        Udp() {
            super("udp");
        }
    }

    @Nested
    class Tcp extends SealedClusterTests {
        Tcp() {
            super("tcp");
        }
    }

    /**
     * A node bound to a non-loopback address needs credentials or {@code insecure = true}; an
     * insecure cluster runs, says so, and is the control for the plaintext test: the same capture
     * finds the markers in clear.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @ExtendWith(LogTailsOnFailure.class)
    class WithoutCredentials {
        Path home;
        SecureLan lan;

        @BeforeAll
        void start() throws Exception {
            home = Files.createTempDirectory("syncnode-it-insecure");
            lan = SecureLan.create("udp", 3, 2, home);
        }

        @AfterAll
        void stop() {
            try {
                if (lan != null) {
                    lan.close();
                }
            } finally {
                Cluster.deleteTree(home);
            }
        }

        @Test
        void aNonLoopbackBindWithoutCredentialsRefusesToStartAndNamesKeygen() throws Exception {
            NodeProcess bare = lan.node(3, "bare", "");
            bare.start();
            Await.await(Duration.ofSeconds(60), Duration.ofMillis(50), () -> !bare.isAlive(),
                    () -> "bare exits instead of running:\n" + bare.logTail(20));
            int exit = bare.stop();
            String log = bare.logText();
            System.out.println("without credentials on " + lan.address(3) + ": exit " + exit + "\n" + bare.logTail(5));
            assertEquals(2, exit, log);
            assertTrue(log.contains("syncnode keygen"), "the refusal names syncnode keygen:\n" + log);
            assertTrue(log.contains("insecure = true"), "the refusal names the insecure alternative:\n" + log);
            assertFalse(log.contains("running (control:"), log);
        }

        @Test
        void anInsecureClusterStartsWarnsAndCarriesNamesAndContentInClear() throws Exception {
            Capture.assumeTcpdump();
            NodeProcess a = lan.node(1, "n1", "insecure = true\n");
            NodeProcess b = lan.node(2, "n2", "insecure = true\n");
            a.start();
            b.start();
            for (NodeProcess n : List.of(a, b)) {
                n.waitUntilRunning(SealedClusterTests.START);
            }
            SealedClusterTests.awaitMembers(List.of(a, b), Set.of("n1", "n2"), SealedClusterTests.START);
            for (NodeProcess n : List.of(a, b)) {
                assertTrue(n.logText().contains("insecure = true: this node runs WITHOUT admission and encryption"),
                        n.name() + " warns that it runs insecure");
                assertEquals("insecure", n.statusJson().path("security").path("mode").asText(), n.name() + " mode");
            }
            WireMarkers markers = WireMarkers.random();
            Path pcapFile = home.resolve("insecure.pcap");
            try (Capture capture = Capture.start(lan.ns(), pcapFile, "")) {
                markers.write(a.folder());
                markers.awaitOn(List.of(b), Cluster.CONVERGE);
                capture.await(SealedClusterTests.REFUSAL, p -> p.payloadBytesFrom(lan.address(1)) >= WireMarkers.BIG,
                        WireMarkers.BIG + " payload bytes from n1");
                capture.stop();
            }
            byte[] raw = Files.readAllBytes(pcapFile);
            int names = WireMarkers.indexOf(raw, markers.names());
            int hidden = WireMarkers.indexOf(raw, markers.hidden());
            System.out.printf("insecure control: %s at byte %d, %s at byte %d of %d%n", markers.names(), names,
                    markers.hidden(), hidden, raw.length);
            assertTrue(names >= 0, "an insecure sync shows the name/content marker on the wire");
            assertTrue(hidden >= 0, "an insecure sync shows the symlink/xattr marker on the wire");
        }
    }
}
