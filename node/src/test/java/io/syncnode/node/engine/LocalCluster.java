package io.syncnode.node.engine;

import io.syncnode.testing.Await;
import io.syncnode.config.ClusterSection;
import io.syncnode.config.FolderConfig;
import io.syncnode.config.HostPort;
import io.syncnode.config.JGroupsStack;
import io.syncnode.config.NodeSection;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.config.Transport;
import io.syncnode.node.SyncNode;
import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.ConflictScope;
import io.syncnode.protocol.DeleteConflict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** N real nodes in one JVM over JGroups SHARED_LOOPBACK, each with its own folder and state dir. */
final class LocalCluster implements AutoCloseable {
    final String clusterName = "test-" + UUID.randomUUID();
    final Path base;
    final List<SyncNode> nodes = new ArrayList<>();
    final List<SyncnodeConfig> configs = new ArrayList<>();
    /** The clock every node started from now on gets (a test may move it on). */
    Clock clock = Clock.systemUTC();

    LocalCluster(Path base, int n, List<String> ignore) throws IOException {
        this(base, n, ignore, ConflictPolicy.KEEP_BOTH, List.of(), null);
    }

    LocalCluster(Path base, int n, List<String> ignore, ConflictPolicy policy, List<String> priority, Path script)
            throws IOException {
        this(base, n, ignore, policy, priority, script, ConflictScope.FILE);
    }

    LocalCluster(Path base, int n, List<String> ignore, ConflictPolicy policy, List<String> priority, Path script,
                 ConflictScope scope) throws IOException {
        this.base = base;
        for (int i = 0; i < n; i++) {
            String name = "n" + i;
            Path folder = Files.createDirectories(base.resolve(name + "/data"));
            Path state = base.resolve(name + "/state");
            FolderConfig f = new FolderConfig("data", folder, ignore, policy,
                    DeleteConflict.KEEP_MODIFIED, scope, 10, priority, script, Duration.ofMillis(10),
                    Duration.ofHours(1), List.of());
            configs.add(new SyncnodeConfig(base.resolve(name + ".toml"), new NodeSection(name, state),
                    new ClusterSection(clusterName, Transport.UDP, new HostPort("127.0.0.1", 7800), null, List.of(),
                            null, false, List.of()),
                    List.of(f)));
            nodes.add(null);
        }
    }

    /**
     * Gives every node credentials of one new CA (under {@code base/ca}, node I under
     * {@code base/nI/credentials}), so the cluster runs sealed: admission, encryption, identity.
     */
    LocalCluster secured() throws Exception {
        Path ca = base.resolve("ca");
        io.syncnode.node.trust.KeyGen.createCa(ca, Duration.ofDays(1), Clock.systemUTC());
        for (int i = 0; i < configs.size(); i++) {
            SyncnodeConfig c = configs.get(i);
            Path creds = base.resolve(c.node().name() + "/credentials");
            io.syncnode.node.trust.KeyGen.createNode(ca, c.node().name(), creds, Duration.ofDays(1), List.of(),
                    Clock.systemUTC());
            ClusterSection s = c.cluster();
            // the loader's default multicast group, so that a TOML copy of this config loads equal to it
            configs.set(i, new SyncnodeConfig(c.file(), c.node(), new ClusterSection(s.name(), s.transport(), s.bind(),
                    new HostPort("239.77.0.1", 45588), s.peers(), creds, false, s.revoked()), c.folders()));
        }
        return this;
    }

    /** Gives node {@code i} bandwidth caps ({@code [cluster] max-send}, {@code max-receive}; null: none), before it starts. */
    LocalCluster bandwidth(int i, io.syncnode.config.Rate send, io.syncnode.config.Rate receive) {
        SyncnodeConfig c = configs.get(i);
        ClusterSection s = c.cluster();
        configs.set(i, new SyncnodeConfig(c.file(), c.node(), new ClusterSection(s.name(), s.transport(), s.bind(),
                s.multicast(), s.peers(), s.credentials(), s.insecure(), s.revoked(), send, receive), c.folders()));
        return this;
    }

    /** Gives node {@code i}'s folder a type and an accept filter (before it starts). */
    LocalCluster trust(int i, io.syncnode.protocol.FolderType type, io.syncnode.protocol.AcceptFilter accept) {
        SyncnodeConfig c = configs.get(i);
        configs.set(i, new SyncnodeConfig(c.file(), c.node(), c.cluster(),
                List.of(c.folders().get(0).withTrust(type, accept))));
        return this;
    }

    /** Gives node {@code i}'s folder a versioning policy (before it starts). */
    LocalCluster versions(int i, io.syncnode.protocol.VersionPolicy policy) {
        SyncnodeConfig c = configs.get(i);
        configs.set(i, new SyncnodeConfig(c.file(), c.node(), c.cluster(),
                List.of(c.folders().get(0).withVersions(policy))));
        return this;
    }

    SyncNode start(int i) throws Exception {
        SyncNode node = SyncNode.start(configs.get(i), JGroupsStack.loopback(clusterName), clock);
        nodes.set(i, node);
        return node;
    }

    /** Starts every node and waits until the first one has them all as members. */
    void startAll(Duration timeout) throws Exception {
        for (int i = 0; i < nodes.size(); i++) {
            start(i);
        }
        Await.await(timeout, () -> node(0).controlHandler().status().members().size() == nodes.size(),
                () -> nodes.size() + " members");
    }

    /** Waits until the folders of nodes 0 and 1 are identical trees ({@link NativeTree}). */
    void awaitSame(Duration timeout) {
        Await.await(timeout, () -> NativeTree.snapshot(dir(0)).equals(NativeTree.snapshot(dir(1))),
                () -> "identical trees\n a=" + NativeTree.snapshot(dir(0)) + "\n b=" + NativeTree.snapshot(dir(1)));
    }

    void stop(int i) {
        SyncNode node = nodes.get(i);
        if (node != null) {
            node.close();
            nodes.set(i, null);
        }
    }

    String name(int i) {
        return configs.get(i).node().name();
    }

    /** Splits the running nodes into two sides that cannot hear each other (JGroups DISCARD). */
    void partition(List<Integer> a, List<Integer> b) {
        for (int i : a) {
            node(i).transportForTests().isolateFrom(b.stream().map(this::name).collect(java.util.stream.Collectors.toSet()));
        }
        for (int j : b) {
            node(j).transportForTests().isolateFrom(a.stream().map(this::name).collect(java.util.stream.Collectors.toSet()));
        }
    }

    /** Lets every node hear every other again. */
    void heal() {
        for (SyncNode node : nodes) {
            if (node != null) {
                node.transportForTests().isolateFrom(java.util.Set.of());
            }
        }
    }

    Path stateDir(int i) {
        return configs.get(i).node().stateDir();
    }

    Path dir(int i) {
        return configs.get(i).folders().get(0).path();
    }

    SyncNode node(int i) {
        return nodes.get(i);
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.size(); i++) {
            stop(i);
        }
    }
}
