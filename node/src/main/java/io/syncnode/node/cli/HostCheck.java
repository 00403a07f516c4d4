package io.syncnode.node.cli;

import io.syncnode.config.ClusterSection;
import io.syncnode.config.ConfigException;
import io.syncnode.config.ConfigReport;
import io.syncnode.config.FolderConfig;
import io.syncnode.config.HostPort;
import io.syncnode.node.trust.ClusterTrust;
import io.syncnode.node.trust.CredentialsException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code config check} checks beyond the file's own rules: whether the configuration fits
 * this machine. Folder paths are existing directories, a conflict {@code script} is an executable
 * file, {@code [cluster] credentials} load and are this node's, the {@code bind} (and {@code http})
 * address is one of this machine's, and {@code state-dir} exists or can be made.
 *
 * <p>Only sections that passed the file's rules are looked at, so one mistake is not reported
 * twice. Reads only; writes nothing; looks up the bind host name when it is not a literal.
 */
final class HostCheck {
    private final ConfigReport report;
    private final Instant now;
    private final List<ConfigException> problems = new ArrayList<>();

    private HostCheck(ConfigReport report, Instant now) {
        this.report = report;
        this.now = now;
    }

    /** The problems of {@code report}'s passed sections on this machine, at time {@code now} (certificates). */
    static List<ConfigException> problems(ConfigReport report, Instant now) {
        HostCheck check = new HostCheck(report, now);
        check.run();
        return List.copyOf(check.problems);
    }

    private void run() {
        if (report.node() != null) {
            stateDir(report.node().stateDir());
            if (report.node().http() != null) {
                localAddress("node.http", report.node().http());
            }
        }
        ClusterSection cluster = report.cluster();
        if (cluster != null) {
            localAddress("cluster.bind", cluster.bind());
            if (cluster.credentials() != null && report.node() != null) {
                credentials(cluster);
            }
        }
        for (Map.Entry<Integer, FolderConfig> e : report.folders().entrySet()) {
            folder("folder[" + e.getKey() + "]", e.getValue());
        }
    }

    private void stateDir(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (Files.exists(dir)) {
            add("node.state-dir", "\"" + dir + "\" exists but is not a directory");
            return;
        }
        Path parent = dir.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
            add("node.state-dir", "\"" + dir + "\" does not exist and " + (parent == null ? "has no existing parent"
                    : "\"" + parent + "\" is not a directory this user can write in")
                    + "; create it for the node's user (the package makes /var/lib/syncnode)");
        }
    }

    private void credentials(ClusterSection cluster) {
        try {
            ClusterTrust.load(cluster, report.node().name(), now);
        } catch (CredentialsException e) {
            add("cluster.credentials", e.getMessage());
        }
    }

    private void folder(String key, FolderConfig f) {
        if (!Files.exists(f.path())) {
            add(key + ".path", "\"" + f.path() + "\" does not exist; create the directory or correct the path");
        } else if (!Files.isDirectory(f.path())) {
            add(key + ".path", "\"" + f.path() + "\" is not a directory");
        }
        Path script = f.script();
        if (script != null) {
            if (!Files.exists(script)) {
                add(key + ".script", "\"" + script + "\" does not exist");
            } else if (!Files.isRegularFile(script)) {
                add(key + ".script", "\"" + script + "\" is not a regular file");
            } else if (!Files.isExecutable(script)) {
                add(key + ".script", "\"" + script + "\" is not executable; chmod +x it");
            }
        }
    }

    /** {@code address} must be the wildcard, a loopback address or an address of one of this machine's interfaces. */
    private void localAddress(String key, HostPort address) {
        InetAddress[] resolved;
        try {
            resolved = InetAddress.getAllByName(address.host().contains(":") ? "[" + address.host() + "]"
                    : address.host());
        } catch (UnknownHostException e) {
            add(key, "\"" + address.host() + "\" does not resolve to an address on this machine (unknown host)");
            return;
        }
        for (InetAddress a : resolved) {
            if (isLocal(a)) {
                return;
            }
        }
        add(key, "\"" + address.host() + "\"" + (resolved.length == 1 && resolved[0].getHostAddress()
                .equals(address.host()) ? "" : " (" + addresses(List.of(resolved)) + ")")
                + " is not an address of this machine; its addresses are " + addresses(localAddresses()));
    }

    private static boolean isLocal(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false; // the interfaces cannot be listed: reported as not local, with the address named
        }
    }

    private static List<InetAddress> localAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            NetworkInterface.networkInterfaces().forEach(n -> n.inetAddresses().forEach(out::add));
        } catch (SocketException e) {
            // going on is safe: the problem itself is reported, only the list of alternatives is missing
        }
        return out;
    }

    private static String addresses(List<InetAddress> list) {
        return list.isEmpty() ? "unknown" : String.join(", ", list.stream()
                .map(a -> a.getHostAddress().replaceFirst("%.*$", "")).distinct().toList());
    }

    private void add(String key, String reason) {
        problems.add(report.problem(key, reason));
    }
}
