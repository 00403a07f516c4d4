package io.syncnode.node.seal;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The hand-over of sender keys over pair packets: a KEY carries one of this node's sender keys
 * (its generation and the floor of the receiver's replay window) to one peer, which answers with
 * a KEY_ACK; a peer's first acknowledgement also gets it the group packets of the connect window
 * again ({@link EarlyPackets}).
 *
 * <p>Runs on the thread that opened the packet (a JGroups thread) or the seal's tick, always under
 * the handshake's lock.
 */
final class SenderKeys {
    private static final int KEY_LENGTH = 1 + 4 + KeyDerivation.KEY + 8;

    private final Generations generations;
    private final PacketSealer sealer;
    private final EarlyPackets early;
    private final LongSupplier nanos;

    SenderKeys(Generations generations, PacketSealer sealer, EarlyPackets early, LongSupplier nanos) {
        this.generations = generations;
        this.sealer = sealer;
        this.early = early;
        this.nanos = nanos;
    }

    /** Sends {@code s} this node's sender key(s): the one group packets use while switching, and the current one. */
    void send(PeerSession s, List<Outgoing> out) {
        if (generations.switching()) {
            add(s, generations.groupSend(), out);
        }
        add(s, generations.current(), out);
    }

    private void add(PeerSession s, LocalGeneration g, List<Outgoing> out) {
        byte[] content = new byte[KEY_LENGTH];
        content[0] = SealFormat.CONTENT_KEY;
        SealFormat.putInt(content, 1, g.gen);
        System.arraycopy(g.senderKeyBytes, 0, content, 5, KeyDerivation.KEY);
        // the floor of the receiver's window: group packets sealed before it (replays) are refused,
        // but for the early packets of the connect window, which it gets once more (EarlyPackets)
        long floor = g.gen == 1 && early.keepsAny(nanos.getAsLong()) ? 0 : g.groupCounter.get();
        SealFormat.putLong(content, 5 + KeyDerivation.KEY, floor);
        pairTo(s, content, out);
    }

    /** A KEY from {@code s}: keeps its sender key and acknowledges it; false when malformed. */
    boolean onKey(PeerSession s, byte[] plain, List<Outgoing> out) {
        if (plain.length != KEY_LENGTH) {
            return false;
        }
        int gen = SealFormat.getInt(plain, 1);
        long floor = SealFormat.getLong(plain, 5 + KeyDerivation.KEY);
        if (gen <= 0 || floor < 0) {
            return false;
        }
        if (!s.groupKeys.containsKey(gen)) {
            s.addGroupKey(new PeerSession.GroupKey(gen, Arrays.copyOfRange(plain, 5, 5 + KeyDerivation.KEY), floor));
        }
        byte[] ack = new byte[5];
        ack[0] = SealFormat.CONTENT_KEY_ACK;
        SealFormat.putInt(ack, 1, gen);
        pairTo(s, ack, out);
        return true;
    }

    /** A KEY_ACK from {@code s}: it holds this node's sender key of that generation; false when malformed. */
    boolean onKeyAck(PeerSession s, byte[] plain, List<Outgoing> out) {
        if (plain.length != 5) {
            return false;
        }
        int gen = SealFormat.getInt(plain, 1);
        if (gen <= generations.current().gen && gen > s.ackedMyKeyGen) {
            boolean first = s.ackedMyKeyGen == 0;
            s.ackedMyKeyGen = gen;
            if (first) {
                for (byte[] p : early.forNewlyReady(nanos.getAsLong())) {
                    out.add(to(s, p)); // what it refused before it held our key
                }
            }
        }
        return true;
    }

    /** Seals {@code content} for {@code s} alone and adds it to {@code out} (nothing when no pair key is there yet). */
    void pairTo(PeerSession s, byte[] content, List<Outgoing> out) {
        byte[] p = sealer.pair(s, content, 0, content.length);
        if (p != null) {
            out.add(to(s, p));
        }
    }

    static Outgoing to(PeerSession s, byte[] packet) {
        return new Outgoing(new Outgoing.ToSession(s.addressMsb, s.addressLsb, s.physical), packet);
    }
}
