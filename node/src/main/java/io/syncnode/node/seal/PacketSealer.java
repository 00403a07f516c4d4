package io.syncnode.node.seal;

/**
 * Makes PAIR and GROUP packets (the layouts of {@link SealFormat}) and derives pair keys on first
 * use. The data path: lock-free, called on many threads at once; every key's counter is an atomic
 * increment, so no two packets under one key share a nonce.
 */
final class PacketSealer {
    private final long sessionId;
    private final Generations generations;

    PacketSealer(long sessionId, Generations generations) {
        this.sessionId = sessionId;
        this.generations = generations;
    }

    /** A GROUP packet: sealed with this node's sender key, signed with the key its generation was introduced with. */
    byte[] group(byte[] content, int off, int len) {
        LocalGeneration g = generations.groupSend();
        long counter = g.groupCounter.getAndIncrement();
        int ct = len + Aead.TAG;
        byte[] out = new byte[SealFormat.GROUP_HEADER + ct + SealFormat.SIGNATURE];
        SealFormat.prefix(out, SealFormat.KIND_GROUP);
        SealFormat.putLong(out, 4, sessionId);
        SealFormat.putInt(out, 12, g.gen);
        SealFormat.putLong(out, 16, counter);
        Aead.seal(g.senderKey, SealFormat.KIND_GROUP, counter, out, 0, SealFormat.GROUP_HEADER, content, off, len,
                SealFormat.GROUP_HEADER);
        byte[] sig = g.signer.sign(out, 0, SealFormat.GROUP_HEADER + ct);
        System.arraycopy(sig, 0, out, SealFormat.GROUP_HEADER + ct, SealFormat.SIGNATURE);
        return out;
    }

    /** A PAIR packet to {@code s}, or null when no pair key can be made (then a group packet goes). */
    byte[] pair(PeerSession s, byte[] content, int off, int len) {
        LocalGeneration mine = generations.forPeer(s.knowsMyGen);
        int theirGen = s.latestGen;
        PairKeys pk = keys(s, mine, theirGen);
        if (pk == null) {
            return null;
        }
        long counter = pk.sendCounter.getAndIncrement();
        byte[] out = new byte[SealFormat.PAIR_HEADER + len + Aead.TAG];
        SealFormat.prefix(out, SealFormat.KIND_PAIR);
        SealFormat.putLong(out, 4, sessionId);
        SealFormat.putInt(out, 12, mine.gen);
        SealFormat.putLong(out, 16, s.session);
        SealFormat.putInt(out, 24, theirGen);
        SealFormat.putLong(out, 28, counter);
        Aead.seal(pk.send, SealFormat.KIND_PAIR, counter, out, 0, SealFormat.PAIR_HEADER, content, off, len,
                SealFormat.PAIR_HEADER);
        return out;
    }

    /** The pair keys to open a packet sent by {@code s} at {@code theirGen} to my {@code myGen}, or null. */
    PairKeys forReceive(PeerSession s, int myGen, int theirGen) {
        LocalGeneration mine = generations.byNumber(myGen);
        return mine == null ? null : keys(s, mine, theirGen);
    }

    private PairKeys keys(PeerSession s, LocalGeneration mine, int theirGen) {
        long id = PairKeys.id(mine.gen, theirGen);
        PairKeys pk = s.pairs.get(id);
        if (pk != null) {
            return pk;
        }
        byte[] theirs = s.ephemerals.get(theirGen);
        if (theirs == null) {
            return null;
        }
        byte[][] keys = KeyDerivation.pairKeys(mine.ephemeralPrivate, theirs, sessionId, mine.gen, s.session, theirGen);
        if (keys == null) {
            return null;
        }
        int c = KeyDerivation.compare(sessionId, mine.gen, s.session, theirGen);
        PairKeys made = c <= 0 ? new PairKeys(mine.gen, theirGen, keys[0], c == 0 ? keys[0] : keys[1])
                : new PairKeys(mine.gen, theirGen, keys[1], keys[0]);
        PairKeys raced = s.pairs.putIfAbsent(id, made);
        if (s.pairs.size() > 2 * PeerSession.KEPT) {
            s.pairs.keySet().removeIf(k -> generations.byNumber((int) (k >>> 32)) == null);
        }
        return raced != null ? raced : made;
    }
}
