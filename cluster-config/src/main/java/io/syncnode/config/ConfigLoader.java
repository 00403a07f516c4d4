package io.syncnode.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a TOML configuration file (the contract in DESIGN.md) into a
 * {@link SyncnodeConfig}, all at once, at start.
 *
 * <p>Contract: either every key is known, well-typed and within its rules and a complete config
 * with defaults filled in comes back, or the first problem is thrown as a {@link ConfigException}
 * naming the file, the line (when known), the dotted key and the reason. {@link #check} applies
 * the same rules but reports every problem it can reach ({@link Problems} decides between the
 * two). Nothing else is read: no system properties, no environment, no name lookups, no checks
 * that paths exist.
 */
public final class ConfigLoader {
    /** Node names: also used in {@code priority} lists. */
    static final String NODE_NAME = "[a-z0-9][a-z0-9-]{0,31}";
    static final String CLUSTER_NAME = "[A-Za-z0-9._-]{1,64}";
    /**
     * Certificate fingerprints in {@code revoked}: SHA-256 as 64 hex digits, optionally after
     * {@code sha256:}, any case, with or without ':' between byte pairs.
     */
    static final Pattern FINGERPRINT = Pattern.compile("(?i)(?:sha256:)?[0-9a-f]{2}(?::?[0-9a-f]{2}){31}");
    static final int DEFAULT_PORT = 7800;
    static final HostPort DEFAULT_MULTICAST = new HostPort("239.77.0.1", 45588);

    private static final TomlMapper TOML = new TomlMapper();

    private ConfigLoader() {
    }

    /** Loads {@code file}; any problem is a {@link ConfigException} naming file, line, key and reason. */
    public static SyncnodeConfig load(Path file) throws ConfigException {
        ConfigReport report = report(file, Problems.throwing());
        return new SyncnodeConfig(file, report.node(), report.cluster(), List.copyOf(report.folders().values()));
    }

    /**
     * Checks {@code file} by the rules of {@link #load} and reports every problem rather than the
     * first: each unknown key, and the first problem of each of {@code [node]}, {@code [cluster]}
     * and every {@code [[folder]]} (a table stops at its first bad value, since later rules of the
     * table build on earlier values). A file that cannot be read or is not TOML is one problem. The
     * first problem is the one {@link #load} throws. Like {@code load}, it looks at nothing but the
     * file.
     */
    public static ConfigReport check(Path file) {
        try {
            return report(file, Problems.collecting());
        } catch (ConfigException e) { // the file cannot be read or parsed: nothing more to check
            return new ConfigReport(file, null, List.of(e), null, null, Map.of());
        }
    }

    /** The sections of {@code file}; a problem goes to {@code problems}, which throws it or keeps it. */
    private static ConfigReport report(Path file, Problems problems) throws ConfigException {
        String text = read(file);
        ObjectNode root = parse(file, text);
        KeyLines lines = KeyLines.index(text);
        TomlTable top = new TomlTable(file, lines, "", root, problems);
        top.allowOnly(Set.of("node", "cluster", "folder"));
        NodeSection node = problems.attempt(() -> node(
                top.table("node").orElseThrow(() -> top.error("node", "the [node] table is required"))));
        String nodeName = node != null ? node.name() : writtenNodeName(top);
        ClusterSection cluster = problems.attempt(() -> cluster(
                top.table("cluster").orElseThrow(() -> top.error("cluster", "the [cluster] table is required")),
                nodeName));
        List<TomlTable> folderTables = problems.attempt(() -> top.tableArray("folder"));
        Map<Integer, FolderConfig> folders = new LinkedHashMap<>();
        if (folderTables != null) {
            if (folderTables.isEmpty()) {
                problems.report(top.error("folder", "at least one [[folder]] is required"));
            }
            List<FolderConfig> read = FolderRules.read(folderTables, nodeName, problems);
            for (int i = 0; i < read.size(); i++) {
                if (read.get(i) != null) {
                    folders.put(i, read.get(i));
                }
            }
        }
        return new ConfigReport(file, lines, problems.all(), node, cluster, folders);
    }

    /**
     * For a check that goes on past a bad {@code [node]}: the node name as written when it is a valid
     * name, else null (the rules that need it are then skipped; its own problem is already reported).
     */
    private static String writtenNodeName(TomlTable top) {
        try {
            Optional<TomlTable> node = top.table("node");
            Optional<String> name = node.isPresent() ? node.get().string("name") : Optional.empty();
            return name.filter(n -> n.matches(NODE_NAME)).orElse(null);
        } catch (ConfigException e) {
            return null; // [node] or its name is malformed, which node() has reported
        }
    }

    private static String read(Path file) throws ConfigException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, null, "file not found");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file, 0, null, "permission denied; make the file readable by this user");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, 0, null, "not valid UTF-8");
        } catch (IOException e) {
            throw new ConfigException(file, 0, null, "cannot read: " + e.getMessage());
        }
    }

    private static ObjectNode parse(Path file, String text) throws ConfigException {
        JsonNode root;
        try {
            root = TOML.readTree(text);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
            throw new ConfigException(file, line, null, "TOML syntax error: " + e.getOriginalMessage());
        }
        return root instanceof ObjectNode o ? o : TOML.createObjectNode();
    }

    private static NodeSection node(TomlTable t) throws ConfigException {
        t.allowOnly(Set.of("name", "state-dir", "http"));
        String name = t.requiredName("name", NODE_NAME);
        Path stateDir = t.absolutePath("state-dir").orElseThrow(() -> t.error("state-dir", "required"));
        HostPort http = null;
        Optional<String> text = t.string("http");
        if (text.isPresent()) {
            http = hostPort(t, "http", text.get(), -1);
            if (http.port() < 1) {
                throw t.error("http", "needs HOST:PORT with a port from 1 to 65535, e.g. \"127.0.0.1:9187\"");
            }
        }
        return new NodeSection(name, stateDir, http);
    }

    /**
     * {@code nodeName} is this node's {@code [node] name}, for the remedy of a refused bind (null
     * when a check could not read it).
     */
    private static ClusterSection cluster(TomlTable t, String nodeName) throws ConfigException {
        t.allowOnly(Set.of("name", "transport", "bind", "multicast", "peers", "credentials", "insecure", "revoked",
                "max-send", "max-receive", "tombstone-retention"));
        String name = t.requiredName("name", CLUSTER_NAME);
        Transport transport = t.choice("transport", Transport.values(), Transport::configName, Transport.UDP);
        HostPort bind = hostPort(t, "bind", t.requiredString("bind"), DEFAULT_PORT);
        HostPort multicast = null;
        if (transport == Transport.UDP) {
            multicast = DEFAULT_MULTICAST;
            if (t.has("multicast")) {
                multicast = hostPort(t, "multicast", t.requiredString("multicast"), DEFAULT_MULTICAST.port());
                if (!multicast.isIpv4Multicast()) {
                    throw t.error("multicast", "\"" + multicast + "\" must be an IPv4 multicast address (224.0.0.0/4)");
                }
            }
        } else if (t.has("multicast")) {
            throw t.error("multicast", "only allowed with transport = \"udp\"");
        }
        List<String> peerTexts = t.stringList("peers");
        if (transport == Transport.UDP && !peerTexts.isEmpty()) {
            throw t.error("peers", "only allowed with transport = \"tcp\"; udp finds members by multicast");
        }
        if (transport == Transport.TCP && peerTexts.isEmpty()) {
            throw t.error("peers", "required with transport = \"tcp\": list every member as address[:port]");
        }
        List<HostPort> peers = new ArrayList<>();
        for (String p : peerTexts) {
            peers.add(hostPort(t, "peers[" + peers.size() + "]", p, DEFAULT_PORT));
        }
        Path credentials = t.absolutePath("credentials").orElse(null);
        boolean insecure = t.bool("insecure").orElse(false);
        if (insecure && credentials != null) {
            throw t.error("insecure", "insecure = true cannot be combined with credentials; remove one");
        }
        List<String> revoked = revoked(t);
        if (!bind.isLoopback() && credentials == null && !insecure) {
            throw t.error("credentials", "bind address " + bind.host() + " is not a loopback address: set credentials"
                    + " = \"DIR\" (make them with `syncnode keygen ca --out CA-DIR` once per cluster, then"
                    + " `syncnode keygen node --ca CA-DIR --name " + (nodeName == null ? "NAME" : nodeName)
                    + " --out DIR` per node), or set"
                    + " insecure = true to run without admission and encryption");
        }
        return new ClusterSection(name, transport, bind, multicast, peers, credentials, insecure, revoked,
                rate(t, "max-send"), rate(t, "max-receive"), t.duration("tombstone-retention",
                ClusterSection.DEFAULT_TOMBSTONE_RETENTION, ClusterSection.MIN_TOMBSTONE_RETENTION, null,
                "at least 1h (tombstones are collected once an hour)"));
    }

    /** {@code max-send}, {@code max-receive}: null when absent (no cap). */
    private static Rate rate(TomlTable t, String key) throws ConfigException {
        if (!t.has(key)) {
            return null;
        }
        try {
            return Rate.parse(t.requiredString(key));
        } catch (IllegalArgumentException e) {
            throw t.error(key, e.getMessage());
        }
    }

    /** {@code revoked}: node names and certificate fingerprints, kept as written, none twice. */
    private static List<String> revoked(TomlTable t) throws ConfigException {
        List<String> revoked = t.stringList("revoked");
        List<String> canonical = new ArrayList<>();
        for (int i = 0; i < revoked.size(); i++) {
            String entry = revoked.get(i);
            String key = "revoked[" + i + "]";
            if (!entry.matches(NODE_NAME) && !FINGERPRINT.matcher(entry).matches()) {
                throw t.error(key, "\"" + entry + "\" is neither a node name (" + NODE_NAME + ") nor a certificate"
                        + " fingerprint (\"sha256:\" and 64 hex digits, or the 64 hex digits alone; any case,"
                        + " ':' allowed between byte pairs)");
            }
            String c = entry.matches(NODE_NAME) ? entry : entry.toLowerCase(Locale.ROOT).replaceFirst("^sha256:", "")
                    .replace(":", "");
            int first = canonical.indexOf(c);
            if (first >= 0) {
                throw t.error(key, "\"" + entry + "\" is already revoked by revoked[" + first + "]"
                        + (revoked.get(first).equals(entry) ? "" : " (\"" + revoked.get(first) + "\")"));
            }
            canonical.add(c);
        }
        return revoked;
    }

    private static HostPort hostPort(TomlTable t, String key, String text, int defaultPort) throws ConfigException {
        try {
            return HostPort.parse(text, defaultPort);
        } catch (IllegalArgumentException e) {
            throw t.error(key, e.getMessage());
        }
    }
}
