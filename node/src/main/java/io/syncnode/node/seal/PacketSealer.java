package io.syncnode.node.seal;

/**
 * Makes PAIR and GROUP packets (the layouts of {@link SealFormat}) where their content lies, and
 * derives pair keys on first use. The data path: lock-free, called on many threads at once; every
 * key's counter is an atomic increment, so no two packets under one key share a nonce.
 */
final class PacketSealer {
    private final long sessionId;
    private final Generations generations;

    PacketSealer(long sessionId, Generations generations) {
        this.sessionId = sessionId;
        this.generations = generations;
    }

    /**
     * Seals {@code buf[off, off+len)} where it is into a GROUP packet (sealed with this node's
     * sender key, signed with the key its generation was introduced with): its header goes to the
     * {@link SealFormat#GROUP_HEADER} bytes before {@code off}, tag and signature after the
     * content. Returns where the packet starts; it is {@link #groupLength} bytes long.
     */
    int groupInPlace(byte[] buf, int off, int len) {
        LocalGeneration g = generations.groupSend();
        long counter = g.groupCounter.getAndIncrement();
        int start = off - SealFormat.GROUP_HEADER;
        SealFormat.prefix(buf, start, SealFormat.KIND_GROUP);
        SealFormat.putLong(buf, start + 4, sessionId);
        SealFormat.putInt(buf, start + 12, g.gen);
        SealFormat.putLong(buf, start + 16, counter);
        Aead.sealInPlace(g.senderKey, SealFormat.KIND_GROUP, counter, buf, start, SealFormat.GROUP_HEADER, off, len);
        int signed = SealFormat.GROUP_HEADER + len + Aead.TAG;
        byte[] sig = g.signer.sign(buf, start, signed);
        System.arraycopy(sig, 0, buf, start + signed, SealFormat.SIGNATURE);
        return start;
    }

    static int groupLength(int contentLength) {
        return SealFormat.GROUP_HEADER + contentLength + Aead.TAG + SealFormat.SIGNATURE;
    }

    /** A PAIR packet to {@code s} in an array of its own, or null when no pair key can be made. */
    byte[] pair(PeerSession s, byte[] content, int off, int len) {
        byte[] out = new byte[pairLength(len)];
        System.arraycopy(content, off, out, SealFormat.PAIR_HEADER, len);
        return pairInPlace(s, out, SealFormat.PAIR_HEADER, len) < 0 ? null : out;
    }

    /**
     * Seals {@code buf[off, off+len)} where it is into a PAIR packet to {@code s}: its header goes
     * to the {@link SealFormat#PAIR_HEADER} bytes before {@code off}, the tag after the content.
     * Returns where the packet starts ({@link #pairLength} bytes long), or -1 when no pair key can
     * be made (then a group packet goes; nothing was written).
     */
    int pairInPlace(PeerSession s, byte[] buf, int off, int len) {
        LocalGeneration mine = generations.forPeer(s.knowsMyGen);
        int theirGen = s.latestGen;
        PairKeys pk = keys(s, mine, theirGen);
        if (pk == null) {
            return -1;
        }
        long counter = pk.sendCounter.getAndIncrement();
        int start = off - SealFormat.PAIR_HEADER;
        SealFormat.prefix(buf, start, SealFormat.KIND_PAIR);
        SealFormat.putLong(buf, start + 4, sessionId);
        SealFormat.putInt(buf, start + 12, mine.gen);
        SealFormat.putLong(buf, start + 16, s.session);
        SealFormat.putInt(buf, start + 24, theirGen);
        SealFormat.putLong(buf, start + 28, counter);
        Aead.sealInPlace(pk.send, SealFormat.KIND_PAIR, counter, buf, start, SealFormat.PAIR_HEADER, off, len);
        return start;
    }

    static int pairLength(int contentLength) {
        return SealFormat.PAIR_HEADER + contentLength + Aead.TAG;
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
