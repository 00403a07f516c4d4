package io.syncnode.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.ClusterSection;
import io.syncnode.config.HostPort;
import io.syncnode.config.JGroupsStack;
import io.syncnode.config.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.jgroups.util.MergeId;
import org.jgroups.util.Util;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The parts {@link JGroupsTransport} puts into the stack so that partitions heal, on real JGroups
 * channels in one JVM: SHARED_LOOPBACK with DISCARD for (one-way) partitions, and the TCP stack on
 * 127.0.0.1 for the socket factory.
 */
class HealingStackTest {
    private static final Duration T = Duration.ofSeconds(30);
    private final List<JGroupsTransport> transports = new ArrayList<>();

    /** What a transport told its listener. */
    static final class Heard implements JGroupsTransport.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<String> heardAgain = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(String fromName, byte[] payload) {
            messages.add(fromName + ": " + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void onView(List<String> members, boolean merge, java.util.Set<String> restarted) {
        }

        @Override
        public void onHeardAgain(String member) {
            heardAgain.add(member);
        }
    }

    @AfterEach
    void closeAll() {
        transports.forEach(JGroupsTransport::close);
    }

    private JGroupsTransport start(String stack, String cluster, String name, Heard heard) throws Exception {
        JGroupsTransport t = new JGroupsTransport(stack, cluster, name, heard, null, Clock.systemUTC());
        transports.add(t);
        t.connect();
        return t;
    }

    private static void await(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + T.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + T + " waiting for: " + what.get());
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    /** Checks {@code invariant} for {@code period}: the time is the point (nothing may happen in it). */
    private static void holdsFor(Duration period, Runnable invariant) {
        long end = System.nanoTime() + period.toNanos();
        do {
            invariant.run();
            LockSupport.parkNanos(50_000_000);
        } while (System.nanoTime() - end < 0);
    }

    private static void awaitMembers(JGroupsTransport t, int n) {
        await(() -> t.members().size() == n, () -> n + " members (now " + t.members() + ")");
    }

    private static String newCluster() {
        return "heal-" + UUID.randomUUID();
    }

    /**
     * Regression (issue 10): a merge request sent into a one-way loss used to be retransmitted by
     * UNICAST3 after the heal and held the receiving coordinator in a dead merge for 10 s.
     */
    @Test
    void aMergeRequestLostInAPartitionIsNotDeliveredAfterTheHeal() throws Exception {
        String stack = JGroupsStack.loopback("heal");
        String cluster = newCluster();
        Heard heardA = new Heard();
        JGroupsTransport a = start(stack, cluster, "a", heardA);
        JGroupsTransport b = start(stack, cluster, "b", new Heard());
        awaitMembers(a, 2);
        awaitMembers(b, 2);
        JChannel chA = a.channel();
        JChannel chB = b.channel();
        GMS gmsB = chB.getProtocolStack().findProtocol(GMS.class);
        GMS gmsA = chA.getProtocolStack().findProtocol(GMS.class);

        a.isolateFrom(Set.of("b")); // b's packets to a are lost; a's to b arrive
        MergeId stale = MergeId.create(chB.getAddress());
        ByteArrayDataOutputStream members = new ByteArrayDataOutputStream(64);
        Util.writeAddresses(List.of(chB.getAddress()), members);
        Message mergeRequest = new BytesMessage(chA.getAddress()).setArray(members.buffer(), 0, members.position())
                .setFlag(Message.Flag.OOB)
                .putHeader(gmsB.getId(), new GMS.GmsHeader(GMS.GmsHeader.MERGE_REQ).mbr(chB.getAddress()).mergeId(stale));
        chB.down(mergeRequest);
        assertTrue(b.send("a", "sent during the cut".getBytes(StandardCharsets.UTF_8)));
        holdsFor(Duration.ofSeconds(1), () -> assertTrue(heardA.messages.isEmpty(), "the cut holds"));
        a.isolateFrom(Set.of());

        await(() -> heardA.messages.contains("b: sent during the cut"),
                () -> "b's message from the cut, retransmitted by UNICAST3 after the heal (got " + heardA.messages + ")");
        assertFalse(gmsA.printMergeIdHistory().contains(stale.toString()),
                "the merge request sent before b's message was not retransmitted: " + gmsA.printMergeIdHistory());
        assertFalse(gmsA.isMergeInProgress(), "a is not held in a dead merge");
    }

    /**
     * Regression (issue 10): a member heard again (heartbeats) while VERIFY_SUSPECT2 still verified
     * it used to be excluded anyway when the verification timed out.
     */
    @Test
    void aMemberHeardAgainDuringItsVerificationStaysInTheView() throws Exception {
        String stack = JGroupsStack.loopback("heal").replace("<VERIFY_SUSPECT2 timeout=\"1000\"/>",
                "<VERIFY_SUSPECT2 timeout=\"3000\"/>");
        assertTrue(stack.contains("timeout=\"3000\"/>"), "the loopback stack's VERIFY_SUSPECT2 line changed: " + stack);
        String cluster = newCluster();
        Heard heardA = new Heard();
        JGroupsTransport a = start(stack, cluster, "a", heardA);
        JGroupsTransport b = start(stack, cluster, "b", new Heard());
        awaitMembers(a, 2);
        awaitMembers(b, 2);
        String viewBefore = a.view().id();
        VERIFY_SUSPECT2 verify = a.channel().getProtocolStack().findProtocol(VERIFY_SUSPECT2.class);
        Address addrB = b.channel().getAddress();

        a.isolateFrom(Set.of("b")); // a stops hearing b: its failure detector suspects b, VERIFY_SUSPECT2 verifies
        await(() -> verify.getSuspects().contains(addrB.toString()), () -> "a verifies b (" + verify.getSuspects() + ")");
        a.isolateFrom(Set.of()); // healed while the verification runs; b's answer to it was lost
        await(() -> "[]".equals(verify.getSuspects()), () -> "b's next heartbeat ends the verification ("
                + verify.getSuspects() + ")");
        holdsFor(Duration.ofSeconds(4), () -> assertEquals(viewBefore, a.view().id(), "b stays in a's view"));
        assertEquals(List.of("a", "b"), a.members());
        assertTrue(heardA.heardAgain.contains("b"), "a told its listener that b is heard again: " + heardA.heardAgain);
    }

    /** Two members that lose each other while both still reach a third keep their views; each hears of the other's return. */
    @Test
    void membersCutFromEachOtherWithoutAViewChangeAreToldWhenTheyHearEachOtherAgain() throws Exception {
        String stack = JGroupsStack.loopback("heal");
        String cluster = newCluster();
        JGroupsTransport a = start(stack, cluster, "a", new Heard());
        Heard heardB = new Heard();
        Heard heardC = new Heard();
        JGroupsTransport b = start(stack, cluster, "b", heardB);
        JGroupsTransport c = start(stack, cluster, "c", heardC);
        for (JGroupsTransport t : List.of(a, b, c)) {
            awaitMembers(t, 3);
        }
        String view = a.view().id();
        b.isolateFrom(Set.of("c"));
        c.isolateFrom(Set.of("b"));
        holdsFor(Duration.ofSeconds(5), () -> assertEquals(view, c.view().id(), "the coordinator a still reaches both"));
        b.isolateFrom(Set.of());
        c.isolateFrom(Set.of());
        await(() -> heardB.heardAgain.contains("c") && heardC.heardAgain.contains("b"),
                () -> "b and c hear each other again (b: " + heardB.heardAgain + ", c: " + heardC.heardAgain + ")");
        assertEquals(view, b.view().id());
    }

    @Test
    void theViewShowsWhenThePartitionLastHealed() throws Exception {
        String stack = JGroupsStack.loopback("heal");
        String cluster = newCluster();
        JGroupsTransport a = start(stack, cluster, "a", new Heard());
        JGroupsTransport b = start(stack, cluster, "b", new Heard());
        awaitMembers(a, 2);
        awaitMembers(b, 2);
        assertEquals(0, a.view().merges());
        assertEquals(null, a.view().lastMerge());
        assertEquals("a", a.view().coordinator());

        a.isolateFrom(Set.of("b"));
        b.isolateFrom(Set.of("a"));
        awaitMembers(a, 1);
        awaitMembers(b, 1);
        assertEquals("b", b.view().coordinator(), "b leads its own side");
        java.time.Instant healed = java.time.Instant.now();
        a.isolateFrom(Set.of());
        b.isolateFrom(Set.of());
        awaitMembers(a, 2);
        awaitMembers(b, 2);
        for (JGroupsTransport t : List.of(a, b)) {
            ClusterView v = t.view();
            assertEquals(1, v.merges(), v.toString());
            assertNotNull(v.lastMerge());
            assertFalse(v.lastMerge().isBefore(healed), v.toString());
            assertEquals(List.of("a", "b"), v.members().stream().sorted().toList());
            assertEquals(a.view().id(), v.id());
        }
    }

    /** The TCP stack works with the socket factory in place, and its connections are watched. */
    @Test
    void theTcpTransportRunsOnWatchedSockets() throws Exception {
        int port = 20000 + ThreadLocalRandom.current().nextInt(30000);
        List<HostPort> peers = List.of(new HostPort("127.0.0.1", port), new HostPort("127.0.0.1", port + 1));
        String cluster = newCluster();
        Heard heardB = new Heard();
        JGroupsTransport a = start(JGroupsStack.forCluster(new ClusterSection(cluster, Transport.TCP, peers.get(0), null,
                peers, null, false, List.of())), cluster, "a", new Heard());
        JGroupsTransport b = start(JGroupsStack.forCluster(new ClusterSection(cluster, Transport.TCP, peers.get(1), null,
                peers, null, false, List.of())), cluster, "b", heardB);
        awaitMembers(a, 2);
        awaitMembers(b, 2);
        assertTrue(a.send("b", "over tcp".getBytes(StandardCharsets.UTF_8)));
        await(() -> heardB.messages.contains("a: over tcp"), () -> "a's message at b: " + heardB.messages);
        assertTrue(a.linkWatch().watched() >= 1 && b.linkWatch().watched() >= 1,
                "the connections are the watch's: " + a.linkWatch().watched() + ", " + b.linkWatch().watched());
        assertEquals(0, a.deadConnectionsClosed());
    }
}
