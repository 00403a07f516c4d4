package io.syncnode.it;

import io.syncnode.config.ConfigLoader;
import io.syncnode.config.JGroupsStack;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.cluster.JGroupsTransport;
import io.syncnode.node.seal.SealCounters;
import io.syncnode.node.seal.SealEngine;
import io.syncnode.node.trust.ClusterTrust;
import io.syncnode.node.wire.Envelope;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.node.wire.WireException;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.util.UUID;

/**
 * A member with valid credentials that lies about who it is (PROTOCOL.md 9.1, threat 3). A main
 * program run as its own JVM in a network namespace of its own, on the real stack: the node's
 * {@link JGroupsTransport} with a {@link SealEngine} built from its credentials as
 * {@code SyncNode.seal} builds it, and the stack {@link JGroupsStack#forCluster} makes, plus
 * {@link SpoofSource} above discovery.
 *
 * <pre>HostilePeer CONFIG VICTIM</pre>
 *
 * CONFIG is a node config (its {@code [node] name}, {@code [cluster]} and first folder are used).
 * It joins, learns VICTIM's node id from the envelopes the members send on the view change (their
 * digests) and VICTIM's JGroups address from the view, then multicasts, each announcing a new
 * small file with inline content ({@code impersonation-a.txt} ...):
 * <ol type="a">
 * <li>an IndexUpdate whose envelope names VICTIM (name and id) as its sender;
 * <li>one under its own name but VICTIM's node id;
 * <li>three JGroups messages whose inner source address is VICTIM's (sealed under its own
 * session), with an envelope naming VICTIM.
 * </ol>
 * It prints {@code learned ...}, {@code sent a}, {@code sent b}, {@code sent c}, {@code done} and
 * each view, stays a member until its stdin closes (at most 5 minutes), then leaves.
 */
public final class HostilePeer {
    static final Duration LEARN = Duration.ofSeconds(60);
    static final Duration LIFETIME = Duration.ofMinutes(5);

    private final Map<String, Long> ids = new ConcurrentHashMap<>();

    private HostilePeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: HostilePeer CONFIG VICTIM");
            System.exit(2);
        }
        Thread watchdog = new Thread(() -> {
            LockSupport.parkNanos(LIFETIME.toNanos());
            say("lifetime of " + LIFETIME + " over; exiting");
            Runtime.getRuntime().halt(3);
        }, "hostile-lifetime");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            new HostilePeer().run(ConfigLoader.load(Path.of(args[0])), args[1]);
        } catch (Throwable t) {
            say("FAILED: " + t);
            t.printStackTrace();
            System.exit(5); // JGroups' threads would keep the JVM alive
        }
        System.exit(0);
    }

    private void run(SyncnodeConfig config, String victim) throws Exception {
        String self = config.node().name();
        String folder = config.folders().get(0).name();
        Clock clock = Clock.systemUTC();
        ClusterTrust trust = ClusterTrust.load(config.cluster(), self, clock.instant());
        SealEngine engine = new SealEngine(trust.credentials(), trust.revoked(), clock, System::nanoTime,
                new SecureRandom(), new SealCounters(), Duration.ofHours(1).toNanos());
        String stack = JGroupsStack.forCluster(config.cluster())
                .replaceFirst("(?m)^(\\s*)<MERGE3", "$1<" + SpoofSource.class.getName() + "/>\n$1<MERGE3");
        JGroupsTransport transport = new JGroupsTransport(stack, config.cluster().name(), self,
                new JGroupsTransport.Listener() {
                    @Override
                    public void onMessage(String fromName, byte[] payload) {
                        learn(fromName, payload);
                    }

                    @Override
                    public void onView(List<String> members, boolean merge, java.util.Set<String> restarted) {
                        say("view " + members);
                    }
                }, engine);
        transport.connect();
        say("joined as " + self + "; members " + transport.members());

        Address victimAddress = null;
        long deadline = System.nanoTime() + LEARN.toNanos();
        while (victimAddress == null || !ids.containsKey(victim)) {
            if (System.nanoTime() - deadline > 0) {
                say("FAILED: did not learn " + victim + "'s id and address within " + LEARN + " (ids " + ids + ")");
                System.exit(4);
            }
            victimAddress = addressOf(engine, victim);
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        long victimId = ids.get(victim);
        say("learned " + victim + " id=" + Long.toHexString(victimId) + " address=" + victimAddress);

        transport.multicast(WireCodec.encode(victimId, victim, announce(folder, "impersonation-a.txt", victimId)));
        say("sent a: an envelope naming " + victim);
        transport.multicast(WireCodec.encode(victimId, self, announce(folder, "impersonation-b.txt", victimId)));
        say("sent b: an envelope naming " + self + " with " + victim + "'s node id");
        for (int i = 0; i < 3; i++) {
            SpoofSource.INSTANCE.sendAs(victimAddress,
                    WireCodec.encode(victimId, victim, announce(folder, "impersonation-c.txt", victimId)));
        }
        say("sent c: JGroups messages whose source is " + victim + "'s address");
        say("done; staying until stdin closes");
        while (System.in.read() >= 0) {
            // the test closes our stdin when it is done looking
        }
        transport.close();
        say("left");
    }

    /** The JGroups address the seal layer certified for {@code name} in the current view, or null. */
    private static Address addressOf(SealEngine engine, String name) {
        SpoofSource spoof = SpoofSource.INSTANCE;
        View v = spoof == null ? null : spoof.view();
        if (v == null) {
            return null;
        }
        for (Address a : v.getMembers()) {
            if (a instanceof UUID u && name.equals(engine.nameOf(u.getMostSignificantBits(), u.getLeastSignificantBits()))) {
                return a;
            }
        }
        return null;
    }

    private void learn(String fromName, byte[] payload) {
        try {
            Envelope env = WireCodec.decode(payload);
            if (ids.putIfAbsent(env.senderName(), env.senderId()) == null) {
                say("heard " + env.senderName() + " (transport: " + fromName + ") id=" + Long.toHexString(env.senderId()));
            }
        } catch (WireException e) {
            say("undecodable message from " + fromName + ": " + e.getMessage());
        }
    }

    /** An IndexUpdate announcing a new small file {@code path}, made (it claims) by node {@code by}. */
    private static Message.IndexUpdate announce(String folder, String path, long by) {
        byte[] content = ("written by a member that lies about who it is: " + path + "\n").getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis();
        FileRecord r = new FileRecord(path, FileType.REGULAR, 0644, 0, 0, now * 1_000_000L, content.length,
                ContentHash.of(sha256(content)), null, 0, VersionVector.of(Map.of(by, now / 1000 + 1000)), false, by);
        return new Message.IndexUpdate(folder, List.of(new Message.Announced(r, content)), false);
    }

    private static byte[] sha256(byte[] content) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(content);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void say(String line) {
        System.out.println("hostile: " + line);
        System.out.flush();
    }
}
