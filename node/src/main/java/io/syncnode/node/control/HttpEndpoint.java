package io.syncnode.node.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The opt-in local HTTP listener ({@code [node] http = "127.0.0.1:PORT"}), for a load balancer,
 * keepalived or Prometheus:
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code ok} when the node is healthy, 503 {@code degraded:
 *       REASONS} when not ({@link StatusView#degradedBecause()}: the rule {@code status}'s exit code
 *       follows);</li>
 *   <li>{@code GET /metrics}: the Prometheus text format ({@link NodeMetrics}).</li>
 * </ul>
 * Anything else is 404; a method other than GET or HEAD is 405. One thread serves requests one at a
 * time (each reads the node's status once), so a scraper cannot load the node more than that.
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HttpEndpoint.class.getName());

    private final HttpServer server;
    private final ExecutorService thread;
    private final ControlHandler node;
    private final NodeMetrics metrics;
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();

    private HttpEndpoint(HttpServer server, ExecutorService thread, ControlHandler node, NodeMetrics metrics) {
        this.server = server;
        this.thread = thread;
        this.node = node;
        this.metrics = metrics;
    }

    /**
     * Listens on {@code host:port} and serves {@code node}'s health and metrics.
     *
     * @throws IOException naming the address when it cannot be bound (in use, not local)
     */
    public static HttpEndpoint start(String host, int port, ControlHandler node) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen on [node] http = \"" + host + ":" + port + "\": " + e.getMessage(), e);
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "syncnode-http");
            t.setDaemon(true);
            return t;
        });
        HttpEndpoint endpoint = new HttpEndpoint(server, thread, node, new NodeMetrics());
        server.setExecutor(thread);
        server.createContext("/", endpoint::handle);
        server.start();
        LOG.info(() -> "serving /healthz and /metrics on http://" + host + ":" + endpoint.port());
        return endpoint;
    }

    /** The port listened on (the one asked for, or the one the kernel chose for 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where the engine reports each applied remote change's latency in nanoseconds. */
    public LongConsumer applyLatency() {
        return metrics::applied;
    }

    /** Where the engine reports each full scan of a folder and how long it took in nanoseconds. */
    public java.util.function.ObjLongConsumer<String> scanDuration() {
        return metrics::scanned;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/healthz" -> {
                    List<String> degraded = node.status().degradedBecause();
                    String body = degraded.isEmpty() ? "ok\n" : "degraded: " + String.join("; ", degraded) + "\n";
                    reply(exchange, degraded.isEmpty() ? 200 : 503, "text/plain; charset=utf-8",
                            body.getBytes(StandardCharsets.UTF_8));
                }
                case "/metrics" -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
                    text.write(out, metrics.scrape(node.status(), node.peers()));
                    reply(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
                }
                default -> reply(exchange, 404, "text/plain; charset=utf-8",
                        "not found: /healthz and /metrics are served here\n".getBytes(StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "answering " + exchange.getRequestURI() + " failed", e);
            throw e;
        }
    }

    private static void reply(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : (body.length == 0 ? -1 : body.length));
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops listening at once (requests being answered are cut). */
    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
