package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.HostPort;
import io.syncnode.config.NodeSection;
import io.syncnode.config.SyncnodeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [node] http}: real nodes in one JVM, node 0 with the listener on a free loopback port;
 * {@code /healthz} follows the health rule of {@code status} and {@code /metrics} is scraped and
 * parsed as the Prometheus text format.
 */
class HealthAndMetricsTest {
    private static final Duration T = Duration.ofSeconds(30);
    /** A sample line of the text format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");

    @TempDir
    Path tmp;
    LocalCluster cluster;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private HttpResponse<String> get(String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + cluster.node(0).httpPort() + path);
        return http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every sample of a scrape, "name{labels}" -> value; fails on a line that is neither a comment nor a sample. */
    private static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a line of the Prometheus text format: " + line);
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    @Test
    void healthzFollowsTheHealthRuleAndMetricsParse() throws Exception {
        cluster = new LocalCluster(tmp, 2, List.of());
        SyncnodeConfig c = cluster.configs.get(0);
        cluster.configs.set(0, new SyncnodeConfig(c.file(), new NodeSection(c.node().name(), c.node().stateDir(),
                new HostPort("127.0.0.1", 0)), c.cluster(), c.folders()));
        cluster.start(0);
        assertTrue(cluster.node(0).httpPort() > 0);

        // alone: degraded
        HttpResponse<String> alone = get("GET", "/healthz");
        assertEquals(503, alone.statusCode());
        assertEquals("degraded: no other member in the view\n", alone.body());
        assertEquals(0.0, parse(get("GET", "/metrics").body()).get("syncnode_healthy"));

        assertEquals(-1, cluster.start(1).httpPort(), "no listener without [node] http");
        await(T, () -> cluster.node(0).controlHandler().status().members().size() == 2, () -> "2 members");
        HttpResponse<String> ok = get("GET", "/healthz");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("ok\n", ok.body());

        Files.writeString(cluster.dir(1).resolve("a.txt"), "from n1\n");
        await(T, () -> Files.exists(cluster.dir(0).resolve("a.txt")), () -> "a.txt on n0");
        await(T, () -> {
            try {
                return parse(get("GET", "/metrics").body()).getOrDefault("syncnode_apply_latency_seconds_count", 0.0) >= 1;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, () -> "an apply latency observed");

        HttpResponse<String> metrics = get("GET", "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                metrics.headers().toString());
        Map<String, Double> s = parse(metrics.body());
        assertEquals(1.0, s.get("syncnode_healthy"), metrics.body());
        assertEquals(2.0, s.get("syncnode_members"));
        assertEquals(1.0, s.get("syncnode_folder_files{folder=\"data\"}"), metrics.body());
        assertEquals(1.0, s.get("syncnode_folder_state{folder=\"data\",state=\"idle\"}")
                + s.get("syncnode_folder_state{folder=\"data\",state=\"syncing\"}"));
        assertEquals(0.0, s.get("syncnode_folder_state{folder=\"data\",state=\"halted\"}"));
        assertEquals(1.0, s.get("syncnode_peer_member{peer=\"n1\"}"), metrics.body());
        assertTrue(s.get("syncnode_files_applied_total") >= 1, metrics.body());
        assertTrue(s.get("syncnode_wire_received_bytes_total") > 0);
        assertEquals(0.0, s.get("syncnode_tombstones_collected_total"), "nothing is old enough yet");
        assertTrue(s.get("syncnode_apply_latency_seconds_bucket{le=\"+Inf\"}") >= 1);
        assertTrue(s.get("syncnode_apply_latency_seconds_sum") > 0);
        // the start's scan ran before the listener: it is counted all the same
        assertTrue(s.get("syncnode_scan_duration_seconds_count{folder=\"data\"}") >= 1, metrics.body());
        assertEquals(0.0, s.get("syncnode_folder_need_files{folder=\"data\"}"), "nothing left to fetch");
        assertEquals(0.0, s.get("syncnode_folder_need_bytes{folder=\"data\"}"));
        assertTrue(s.containsKey("syncnode_folder_queued_steps{folder=\"data\"}"), metrics.body());
        assertEquals(0.0, s.get("syncnode_folder_versions_kept{folder=\"data\"}"), "keeps none by default");
        assertEquals(0.0, s.get("syncnode_folder_versions_bytes{folder=\"data\"}"));
        assertEquals(0.0, s.get("syncnode_transport_dropped_packets_total{kind=\"fragmentsOpen\"}"), metrics.body());
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{area=\"heap\"")), "JVM memory");
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("jvm_gc_collection_seconds_count")), "GC");

        HttpResponse<String> head = get("HEAD", "/metrics");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(404, get("GET", "/nothing").statusCode());
        HttpResponse<String> post = get("POST", "/healthz");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));

        // n1 gone: degraded again, and the metrics say so
        cluster.stop(1);
        await(T, () -> cluster.node(0).controlHandler().status().members().size() == 1, () -> "n1 left");
        HttpResponse<String> degraded = get("GET", "/healthz");
        assertEquals(503, degraded.statusCode());
        assertEquals("degraded: no other member in the view\n", degraded.body());
        Map<String, Double> after = parse(get("GET", "/metrics").body());
        assertEquals(0.0, after.get("syncnode_healthy"));
        assertEquals(0.0, after.get("syncnode_peer_member{peer=\"n1\"}"));
    }

    @Test
    void aPortInUseStopsTheStartNamingTheKey() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            cluster = new LocalCluster(tmp, 1, List.of());
            SyncnodeConfig c = cluster.configs.get(0);
            cluster.configs.set(0, new SyncnodeConfig(c.file(), new NodeSection(c.node().name(), c.node().stateDir(),
                    new HostPort("127.0.0.1", taken.getLocalPort())), c.cluster(), c.folders()));
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> cluster.start(0));
            assertTrue(e.getMessage().startsWith("cannot listen on [node] http = \"127.0.0.1:" + taken.getLocalPort()
                    + "\": "), e.getMessage());
        }
    }
}
