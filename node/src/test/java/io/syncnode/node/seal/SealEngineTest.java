package io.syncnode.node.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.trust.Credentials;
import io.syncnode.node.trust.Revocations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seal layer's admission, identity, encryption and replay rules, with real credentials and
 * engines joined by an in-memory network ({@link SealNet}).
 */
class SealEngineTest {
    @TempDir
    Path tmp;

    private static Opened open(SealEngine e, byte[] packet) {
        return e.open(packet, 0, packet.length);
    }

    @Test
    void membersOfOneCaAdmitEachOtherAndExchangeGroupAndPairPackets() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        SealEngine c = net.add("gamma", "ca");
        net.handshake();
        assertEquals(2, a.readyPeers());
        assertEquals(2, b.readyPeers());
        assertEquals(2, c.readyPeers());

        byte[] group = a.seal(SealNet.message("to all"), SealNet.message("to all").length, true, 0, 0);
        Opened.Message atB = assertInstanceOf(Opened.Message.class, open(b, group));
        assertEquals("to all", SealNet.text(atB));
        assertEquals("alpha", atB.name());
        assertArrayEquals(a.address(), new long[] {atB.addressMsb(), atB.addressLsb()});
        assertInstanceOf(Opened.Message.class, open(c, group));

        long[] to = b.address();
        byte[] pair = a.seal(SealNet.message("to beta"), SealNet.message("to beta").length, false, to[0], to[1]);
        assertEquals(SealFormat.KIND_PAIR, pair[3]);
        assertEquals("to beta", SealNet.text(assertInstanceOf(Opened.Message.class, open(b, pair))));
        Opened atC = open(c, pair);
        assertInstanceOf(Opened.Refused.class, atC, "a pair packet for beta does not open at gamma");
        for (SealEngine e : List.of(a, b)) {
            e.counters().refusedByReason().forEach((k, v) -> assertEquals(0L, v, k));
        }
    }

    @Test
    void everyFlippedBitIsRefusedAndTheOriginalStillOpens() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        net.handshake();
        byte[] content = SealNet.message("payload under test 0123456789");
        long[] to = b.address();
        for (byte[] packet : List.of(a.seal(content, content.length, true, 0, 0),
                a.seal(content, content.length, false, to[0], to[1]))) {
            for (int i = 0; i < packet.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] bad = packet.clone();
                    bad[i] ^= (byte) (1 << bit);
                    Opened o = open(b, bad);
                    assertInstanceOf(Opened.Refused.class, o, "byte " + i + " bit " + bit + " of kind " + packet[3]);
                }
            }
            assertEquals("payload under test 0123456789",
                    SealNet.text(assertInstanceOf(Opened.Message.class, open(b, packet))),
                    "no tampered copy moved the replay window");
        }
        assertTrue(b.counters().refused(SealCounters.Reason.TAMPERED) > 0);
    }

    @Test
    void aReplayedPacketIsRefusedAndCounted() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        net.handshake();
        byte[] content = SealNet.message("once");
        long[] to = b.address();
        for (byte[] p : List.of(a.seal(content, content.length, true, 0, 0),
                a.seal(content, content.length, false, to[0], to[1]))) {
            assertInstanceOf(Opened.Message.class, open(b, p));
            Opened again = open(b, p);
            assertEquals(SealCounters.Reason.REPLAYED, assertInstanceOf(Opened.Refused.class, again).reason());
        }
        assertEquals(2, b.counters().refused(SealCounters.Reason.REPLAYED));
    }

    @Test
    void packetsOutOfOrderOpenButNotOlderThanTheWindow() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        net.handshake();
        byte[] content = SealNet.message("x");
        byte[] first = a.seal(content, content.length, true, 0, 0);
        byte[] second = a.seal(content, content.length, true, 0, 0);
        assertInstanceOf(Opened.Message.class, open(b, second));
        assertInstanceOf(Opened.Message.class, open(b, first), "reordered by one: still fresh");
        byte[] old = a.seal(content, content.length, true, 0, 0);
        for (int i = 0; i < ReplayWindow.SIZE + 1; i++) {
            a.seal(content, content.length, true, 0, 0);
        }
        assertInstanceOf(Opened.Message.class, open(b, a.seal(content, content.length, true, 0, 0)));
        Opened late = open(b, old);
        assertEquals(SealCounters.Reason.REPLAYED, assertInstanceOf(Opened.Refused.class, late).reason(),
                "older than the window: cannot be told from a replay");
    }

    @Test
    void aNodeOfAnotherCaIsNeverAdmittedAndItsPacketsNeverOpen() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        SealEngine rogue = net.add("rogue", "other-ca");
        net.handshake();
        assertEquals(1, a.readyPeers());
        assertEquals(0, rogue.readyPeers());
        assertNull(a.nameOf(rogue.address()[0], rogue.address()[1]));
        assertTrue(a.counters().refused(SealCounters.Reason.CERTIFICATE) > 0);
        assertTrue(rogue.counters().refused(SealCounters.Reason.CERTIFICATE) > 0, "and it does not admit them");
        byte[] p = rogue.seal(SealNet.message("write this"), 11, true, 0, 0);
        assertInstanceOf(Opened.Refused.class, open(a, p));
        byte[] fromA = a.seal(SealNet.message("secret"), 7, true, 0, 0);
        assertInstanceOf(Opened.Refused.class, open(rogue, fromA), "the rogue cannot read the cluster's packets");
        assertTrue(net.delivered.get("rogue").isEmpty());
        assertTrue(net.delivered.get("alpha").isEmpty());
    }

    @Test
    void aRevokedNodeIsRefusedAtIntroductionAndDroppedWhenRevokedWhileRunning() throws Exception {
        SealNet net = new SealNet(tmp);
        Credentials alphaCreds = net.credentials("ca", "alpha", Duration.ofDays(30));
        SealEngine a = net.add("alpha", alphaCreds, Revocations.none());
        SealEngine b = net.add("beta", "ca");
        SealEngine c = net.add("gamma", "ca");
        net.handshake();
        assertEquals(2, a.readyPeers());
        byte[] oldGroup = a.seal(SealNet.message("before"), 7, true, 0, 0);

        Handshake.Tick t = a.reload(alphaCreds, Revocations.parse(List.of("gamma")));
        assertEquals(1, t.suspects().size(), "gamma is suspected at once");
        assertArrayEquals(c.address(), t.suspects().get(0));
        net.pump("alpha", t.send());
        assertNull(a.nameOf(c.address()[0], c.address()[1]));
        byte[] fromC = c.seal(SealNet.message("from gamma"), 11, true, 0, 0);
        assertInstanceOf(Opened.Refused.class, open(a, fromC), "gamma's packets no longer open at alpha");
        byte[] newGroup = a.seal(SealNet.message("after"), 6, true, 0, 0);
        assertInstanceOf(Opened.Refused.class, open(c, newGroup), "gamma cannot read what alpha sends after the revocation");
        assertEquals("after", SealNet.text(assertInstanceOf(Opened.Message.class, open(b, newGroup))));
        assertInstanceOf(Opened.Message.class, open(b, oldGroup), "in-flight packets of the previous keys still open");
        // gamma introduces itself again: refused by certificate check
        long before = a.counters().refused(SealCounters.Reason.CERTIFICATE);
        net.pump("gamma", c.introduce());
        assertTrue(a.counters().refused(SealCounters.Reason.CERTIFICATE) > before);
        assertNull(a.nameOf(c.address()[0], c.address()[1]));
    }

    @Test
    void aMemberClaimingAnotherMembersAddressIsRefused() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        net.handshake();
        Credentials mallory = net.credentials("ca", "mallory", Duration.ofDays(30));
        long session = 42;
        byte[] hello = Hello.encode(session, 1, net.wall.millis(), b.address(), KeyDerivation.publicKey(
                KeyDerivation.newPrivateKey(new java.security.SecureRandom())), "m".getBytes(),
                mallory.certificate().der(), List.of(), mallory::sign);
        Opened o = open(a, hello);
        assertEquals(SealCounters.Reason.IMPERSONATION, assertInstanceOf(Opened.Refused.class, o).reason());
        assertEquals("beta", a.nameOf(b.address()[0], b.address()[1]), "beta's address stays beta's");

        long[] own = KeyDerivation.address("mallory", session);
        byte[] honest = Hello.encode(session, 1, net.wall.millis(), own, KeyDerivation.publicKey(
                KeyDerivation.newPrivateKey(new java.security.SecureRandom())), "m".getBytes(),
                mallory.certificate().der(), List.of(), mallory::sign);
        assertInstanceOf(Opened.Control.class, open(a, honest), "under its own address it is admitted");
        assertEquals("mallory", a.nameOf(own[0], own[1]));
    }

    @Test
    void anIntroductionSignedByAnotherKeyIsRefused() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        Credentials beta = net.credentials("ca", "beta", Duration.ofDays(30));
        Credentials other = net.credentials("ca", "other", Duration.ofDays(30));
        long session = 7;
        byte[] hello = Hello.encode(session, 1, net.wall.millis(), KeyDerivation.address("beta", session),
                new byte[32], "b".getBytes(), beta.certificate().der(), List.of(), other::sign);
        assertEquals(SealCounters.Reason.BAD_SIGNATURE, assertInstanceOf(Opened.Refused.class, open(a, hello)).reason());
    }

    @Test
    void anOlderSessionOfAKnownNodeIsStale() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        Credentials beta = net.credentials("ca", "beta", Duration.ofDays(30));
        long newer = 100;
        long older = 99;
        byte[] eph = KeyDerivation.publicKey(KeyDerivation.newPrivateKey(new java.security.SecureRandom()));
        assertInstanceOf(Opened.Control.class, open(a, Hello.encode(newer, 1, net.wall.millis(),
                KeyDerivation.address("beta", newer), eph, "b".getBytes(), beta.certificate().der(), List.of(), beta::sign)));
        Opened stale = open(a, Hello.encode(older, 1, net.wall.millis() - 60_000, KeyDerivation.address("beta", older),
                eph, "b".getBytes(), beta.certificate().der(), List.of(), beta::sign));
        assertEquals(SealCounters.Reason.STALE, assertInstanceOf(Opened.Refused.class, stale).reason());
    }

    @Test
    void rotationKeepsTrafficFlowingAndRetiresOldKeys() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        net.handshake();
        byte[] before = a.seal(SealNet.message("before"), 7, true, 0, 0);
        net.pump("alpha", a.rekey(true));
        net.tick();
        assertEquals(2, a.status().generation());
        assertEquals(2, b.status().generation(), "beta rotated on alpha's request");
        assertEquals(1, a.readyPeers());
        assertEquals(1, b.readyPeers());
        long[] to = b.address();
        byte[] after = a.seal(SealNet.message("after"), 6, false, to[0], to[1]);
        byte[] groupAfter = a.seal(SealNet.message("all after"), 10, true, 0, 0);
        assertEquals("after", SealNet.text(assertInstanceOf(Opened.Message.class, open(b, after))));
        assertEquals("all after", SealNet.text(assertInstanceOf(Opened.Message.class, open(b, groupAfter))));
        assertEquals(SealFormat.KIND_GROUP, groupAfter[3]);
        assertEquals(2, SealFormat.getInt(groupAfter, 12), "group packets use the new generation once acknowledged");
        assertInstanceOf(Opened.Message.class, open(b, before), "a packet in flight across the rotation opens");
    }

    /**
     * Regression (found by SecurityIT): quick rotations while a departed member's session lingers
     * left group packets under a sender key three generations old, which members had discarded.
     */
    @Test
    void groupPacketsAfterQuickRotationsOpenWhileADepartedMembersSessionLingers() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        net.add("gamma", "ca");
        net.handshake();
        net.engines.remove("gamma"); // gamma leaves: it never acknowledges alpha's new keys
        for (int i = 0; i < 3; i++) {
            net.pump("alpha", a.rekey(false));
            net.advance(Duration.ofSeconds(1));
        }
        byte[] p = a.seal(SealNet.message("announce"), 9, true, 0, 0);
        assertEquals("announce", SealNet.text(assertInstanceOf(Opened.Message.class, open(b, p))),
                "beta opens alpha's group packet at once; sealed with generation " + SealFormat.getInt(p, 12));
        net.advance(Duration.ofSeconds(11)); // gamma is silent for longer than a live member may be
        byte[] q = a.seal(SealNet.message("later"), 6, true, 0, 0);
        assertEquals(4, SealFormat.getInt(q, 12), "the switch to the newest key does not wait for gamma");
        assertInstanceOf(Opened.Message.class, open(b, q));
    }

    @Test
    void aSessionWhoseCertificateExpiresIsDropped() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", net.credentials("ca", "beta", Duration.ofDays(2)), Revocations.none());
        net.handshake();
        assertEquals("beta", a.nameOf(b.address()[0], b.address()[1]));
        net.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        net.wall.set(net.wall.instant().plus(Duration.ofDays(3)));
        Handshake.Tick t = a.tick();
        assertEquals(1, t.suspects().size());
        assertNull(a.nameOf(b.address()[0], b.address()[1]));
    }

    @Test
    void groupPacketsOfTheFirstSecondsReachAMemberOnceItHoldsTheKey() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        a.introduce(); // lost: beta never hears it
        byte[] discovery = a.seal(SealNet.message("who is there?"), 14, true, 0, 0);
        Opened first = open(b, discovery);
        assertEquals(SealCounters.Reason.UNKNOWN_SENDER, assertInstanceOf(Opened.Refused.class, first).reason());
        net.pump("beta", first.replies()); // beta introduces itself; the handshake follows
        assertEquals(1, a.readyPeers());
        assertEquals(List.of("who is there?"), net.delivered.get("beta").stream().map(SealNet::text).toList(),
                "alpha's early group packet reached beta once beta held alpha's key");
        net.pump("beta", b.introduce());
        assertEquals(1, net.delivered.get("beta").size(), "and only once");
    }

    @Test
    void garbageIsMalformedAndNeverThrows() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(200)];
            r.nextBytes(junk);
            if (i % 3 == 0 && junk.length >= 4) {
                junk[0] = 'S';
                junk[1] = 'N';
                junk[2] = 1;
                junk[3] = (byte) (1 + r.nextInt(3));
            }
            assertInstanceOf(Opened.Refused.class, open(a, junk));
        }
    }
}
