package io.syncnode.node.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncnode.node.control.ControlHandler.ControlException;
import io.syncnode.node.control.ControlVerb.BadRequest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's control socket: a Unix domain socket, owner-only, that the CLI verbs talk to.
 *
 * <h2>Protocol</h2>
 * One request per connection. The client sends one line of UTF-8 JSON, terminated by {@code \n}:
 * <pre>{"verb": "status" | "peers" | "dirty" | "check" | "sync" | "conflicts" | "resolve" | "pause" | "resume"
 *          | "accept-deletes" | "revert" | "forget" | "rekey" | "reload" | "versions" | "restore",
 *  "folder": "ct101",            (optional: dirty, check, sync, absent means all folders;
 *                                 required: resolve, pause, resume, accept-deletes, revert)
 *  "paths": ["rootfs/etc/hosts"], (optional: check; one path for resolve; relative to the folder)
 *  "path": "rootfs/etc/hosts",   (versions, restore: relative to the folder, or absolute inside one)
 *  "version": ID, "atMs": T,      (restore: exactly one)
 *  "keep": "local",              (resolve)
 *  "peer": "gamma",              (forget)
 *  "allPeers": false,            (optional: sync; true waits on absent peers too)
 *  "timeoutMs": 60000}           (optional: sync; default 60000)</pre>
 * The server answers one line and closes the connection:
 * <pre>{"ok": true, "result": ...}   or   {"ok": false, "error": "message for the operator"}</pre>
 * The results are described on each {@link ControlVerb}: {@code status} a {@link StatusView},
 * {@code peers} an array of {@link PeerView}, {@code dirty} an array of {@link DirtyView},
 * {@code check} a {@link CheckView}, {@code sync} a {@link SyncView}, {@code accept-deletes} an
 * {@link AcceptDeletesView}, {@code revert} a {@link RevertView}, {@code forget} a {@link ForgetView}, {@code pause} and {@code resume} {@code {"folder": F,
 * "paused": bool, "changed": bool}}. A request line longer than {@value #MAX_REQUEST_BYTES} bytes, or not sent
 * within {@link #REQUEST_TIMEOUT}, is refused.
 *
 * <h2>Socket file</h2>
 * {@link #start()} creates the parent directory (mode 700) when missing, replaces a stale socket
 * file left by a node that died, refuses to start when another node still answers on it, and makes
 * the socket mode 600 right after binding. {@link #close()} stops accepting, closes open
 * connections and deletes the socket file.
 *
 * <h2>Threads</h2>
 * One daemon thread accepts; each connection gets its own short-lived daemon thread that reads the
 * request, calls the {@link ControlHandler} (which must be thread-safe) and writes the answer.
 */
public final class ControlServer implements AutoCloseable {
    /** Longest request line accepted. */
    public static final int MAX_REQUEST_BYTES = 1 << 20;
    /** How long a client may take to send its request line. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final Path socket;
    private final ControlHandler handler;
    /** Refuses a line with anything after its JSON object ("{...} {...}", "{...} junk"). */
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Set<LineChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closed;

    public ControlServer(Path socket, ControlHandler handler) {
        this.socket = socket.toAbsolutePath();
        this.handler = handler;
    }

    /** The socket file this server binds. */
    public Path socket() {
        return socket;
    }

    /**
     * Binds the socket and starts accepting. Fails when another node answers on the socket, when
     * something that is not a socket is in the way, or when the socket cannot be bound; the
     * message names the socket and the remedy.
     */
    public synchronized void start() throws IOException {
        if (server != null || closed) {
            throw new IllegalStateException("control server already started or closed");
        }
        prepareParent();
        removeStale();
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(socket);
            throw new IOException("cannot bind control socket " + socket + ": " + describe(e), e);
        }
        server = channel;
        acceptor = new Thread(this::acceptLoop, "control-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.fine(() -> "control socket listening on " + socket);
    }

    private void prepareParent() throws IOException {
        Path parent = socket.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            try {
                Files.createDirectories(parent,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new IOException("cannot create the directory of control socket " + socket + ": "
                        + describe(e), e);
            }
        }
    }

    private void removeStale() throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attributes.isOther()) {
            throw new IOException("cannot bind control socket " + socket
                    + ": something that is not a socket is in the way; move it away");
        }
        if (answers(socket)) {
            throw new IOException("another syncnode is already running with control socket " + socket
                    + ": stop it first, or give this node its own state-dir");
        }
        LOG.info(() -> "removing stale control socket " + socket + " left by a node that is gone");
        Files.deleteIfExists(socket);
    }

    /** True when something accepts connections on {@code socket}. */
    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // Going on is safe: a failed accept loses one connection, whose client reports it.
                LOG.log(Level.WARNING, "control socket " + socket + ": accept failed", e);
                continue;
            }
            Thread worker = new Thread(() -> serve(connection), "control-" + connections.incrementAndGet());
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serve(SocketChannel connection) {
        LineChannel line;
        try {
            line = new LineChannel(connection);
        } catch (IOException e) {
            LOG.log(Level.FINE, "control connection dropped before the request", e);
            closeQuietly(connection);
            return;
        }
        open.add(line);
        try {
            if (closed) {
                return;
            }
            String request = line.readLine(REQUEST_TIMEOUT, MAX_REQUEST_BYTES);
            if (request == null) {
                return; // a probe: connected and left
            }
            line.writeLine(json.writeValueAsString(answer(request)), ANSWER_TIMEOUT);
        } catch (IOException e) {
            // Going on is safe: only this client is affected, and it sees its connection fail.
            LOG.log(Level.FINE, "control connection failed", e);
        } finally {
            open.remove(line);
            closeQuietly(line);
        }
    }

    /** The answer object for one request line; never throws. */
    ObjectNode answer(String requestLine) {
        ObjectNode response = json.createObjectNode();
        try {
            JsonNode request = parse(requestLine);
            JsonNode verb = request.get("verb");
            ControlVerb controlVerb = ControlVerb.of(verb == null || !verb.isTextual() ? null : verb.asText());
            JsonNode result = controlVerb.answer(handler, request, json);
            response.put("ok", true);
            response.set("result", result);
        } catch (BadRequest e) {
            response.put("ok", false);
            response.put("error", "bad request: " + e.getMessage());
        } catch (ControlException | ControlHandler.NotStarted e) {
            response.put("ok", false);
            response.put("error", e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "control request failed inside the node: " + requestLine, e);
            response.removeAll();
            response.put("ok", false);
            response.put("error", "the node failed to answer: " + describe(e) + " (details in the node's log)");
        }
        return response;
    }

    private JsonNode parse(String requestLine) throws BadRequest {
        JsonNode request;
        try {
            request = json.readTree(requestLine);
        } catch (JsonProcessingException e) {
            throw new BadRequest("not a JSON object: " + e.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            throw new BadRequest("not a JSON object");
        }
        return request;
    }

    /** Stops accepting, closes open connections and deletes the socket file. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server == null) {
            return;
        }
        closeQuietly(server);
        for (LineChannel line : open) {
            closeQuietly(line);
        }
        try {
            acceptor.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // Going on is safe: the next start replaces a stale socket file.
            LOG.log(Level.WARNING, "cannot delete control socket " + socket, e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Going on is safe: the channel is being dropped either way.
            LOG.log(Level.FINE, "closing a control channel failed", e);
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
