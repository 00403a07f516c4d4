package io.syncnode.node.seal;

import io.syncnode.node.trust.Credentials;
import io.syncnode.node.trust.KeyGen;
import io.syncnode.node.trust.Revocations;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seal engines of several nodes joined by an in-memory "network" that delivers their packets to
 * each other (no JGroups): for tests of the handshake and the packet format. Real credentials
 * (files made by {@link KeyGen}), a manual wall clock and monotonic clock.
 */
final class SealNet {
    final Path dir;
    final ManualClock wall = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final Map<String, SealEngine> engines = new LinkedHashMap<>();
    /** Every packet put on the wire, in order, with its sender: for capture-and-replay tests. */
    final List<byte[]> wire = new ArrayList<>();
    /** Messages each node's adapter would pass up. */
    final Map<String, List<Opened.Message>> delivered = new LinkedHashMap<>();

    SealNet(Path dir) {
        this.dir = dir;
    }

    /** Makes a CA named {@code ca} under the test dir (once). */
    Path ca(String ca) throws Exception {
        Path d = dir.resolve(ca);
        if (!d.resolve(KeyGen.CA_CERTIFICATE).toFile().exists()) {
            KeyGen.createCa(d, Duration.ofDays(3650), fixed(wall.instant().minus(Duration.ofDays(1))));
        }
        return d;
    }

    Credentials credentials(String ca, String name, Duration validity) throws Exception {
        Path out = dir.resolve(ca + "-" + name + "-" + System.nanoTime());
        KeyGen.createNode(ca(ca), name, out, validity, List.of(), fixed(wall.instant()));
        return Credentials.load(out, wall.instant());
    }

    SealEngine add(String name, String ca) throws Exception {
        return add(name, credentials(ca, name, Duration.ofDays(365)), Revocations.none());
    }

    SealEngine add(String name, Credentials c, Revocations revoked) {
        SealEngine e = new SealEngine(c, revoked, wall, nanos::get, new SecureRandom(), new SealCounters(),
                Duration.ofHours(1).toNanos());
        e.setPhysical(name.getBytes());
        engines.put(name, e);
        delivered.put(name, new ArrayList<>());
        return e;
    }

    /** Delivers {@code out} of node {@code from}, and every answer, until nothing more is sent. */
    void pump(String from, List<Outgoing> out) {
        Deque<Object[]> queue = new ArrayDeque<>();
        for (Outgoing o : out) {
            queue.add(new Object[] {from, o});
        }
        int steps = 0;
        while (!queue.isEmpty()) {
            if (++steps > 10_000) {
                throw new AssertionError("the handshake does not come to rest");
            }
            Object[] next = queue.poll();
            String sender = (String) next[0];
            Outgoing o = (Outgoing) next[1];
            wire.add(o.packet());
            for (String to : targets(sender, o.target())) {
                Opened r = engines.get(to).open(o.packet(), 0, o.packet().length);
                if (r instanceof Opened.Message m) {
                    delivered.get(to).add(m);
                }
                for (Outgoing reply : r.replies()) {
                    queue.add(new Object[] {to, reply});
                }
            }
        }
    }

    private List<String> targets(String sender, Outgoing.Target t) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, SealEngine> e : engines.entrySet()) {
            if (e.getKey().equals(sender)) {
                continue;
            }
            if (t instanceof Outgoing.Everyone
                    || t instanceof Outgoing.ToSession s && Arrays.equals(e.getValue().address(),
                    new long[] {s.addressMsb(), s.addressLsb()})) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Every node introduces itself, then ticks once, all answers delivered. */
    void handshake() {
        for (String n : List.copyOf(engines.keySet())) {
            pump(n, engines.get(n).introduce());
        }
        tick();
    }

    /** Advances both clocks by {@code d} and runs every engine's tick. */
    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        wall.set(wall.instant().plus(d));
        tick();
    }

    void tick() {
        for (String n : List.copyOf(engines.keySet())) {
            pump(n, engines.get(n).tick().send());
        }
    }

    /** A content of type MESSAGE. */
    static byte[] message(String text) {
        byte[] body = text.getBytes();
        byte[] c = new byte[body.length + 1];
        c[0] = SealFormat.CONTENT_MESSAGE;
        System.arraycopy(body, 0, c, 1, body.length);
        return c;
    }

    static String text(Opened.Message m) {
        return new String(m.bytes(), m.offset(), m.length());
    }

    static Clock fixed(Instant at) {
        return Clock.fixed(at, ZoneOffset.UTC);
    }

    /** A wall clock a test moves. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant now) {
            this.now = now;
        }

        void set(Instant at) {
            now = at;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
