package io.syncnode.node.seal;

/**
 * The byte layout of sealed packets (PROTOCOL.md, "Security: packet format"). Every packet starts
 * with the 4-byte prefix {@code 'S' 'N' version kind}; integers are big-endian.
 *
 * <pre>
 * HELLO  prefix | session 8 | gen 4 | startedAt 8 | address 16 | ephemeral 32 | physLen 2 | phys
 *               | certLen 2 | cert | knowsCount 1 | (session 8 | gen 4)* | signature 64
 * PAIR   prefix | senderSession 8 | senderGen 4 | recipientSession 8 | recipientGen 4 | counter 8
 *               | AES-GCM(content) 16+
 * GROUP  prefix | senderSession 8 | keyGen 4 | counter 8 | AES-GCM(content) 16+ | signature 64
 * content = type 1 | body   (MESSAGE: a JGroups message; KEY: gen 4 | key 32 | nextCounter 8;
 *                            KEY_ACK: gen 4; REKEY: empty)
 * </pre>
 */
final class SealFormat {
    static final byte MAGIC_0 = 'S';
    static final byte MAGIC_1 = 'N';
    static final byte VERSION = 1;
    static final int PREFIX = 4;

    static final int KIND_HELLO = 1;
    static final int KIND_PAIR = 2;
    static final int KIND_GROUP = 3;

    static final int CONTENT_MESSAGE = 1;
    static final int CONTENT_KEY = 2;
    static final int CONTENT_KEY_ACK = 3;
    static final int CONTENT_REKEY = 4;

    static final int PAIR_HEADER = PREFIX + 8 + 4 + 8 + 4 + 8;
    static final int GROUP_HEADER = PREFIX + 8 + 4 + 8;
    static final int SIGNATURE = 64;

    /** Largest sealed packet accepted or made: FRAG2 cuts messages at 60 KB; JGroups' own are small. */
    static final int MAX_PACKET = 4 * 1024 * 1024;
    static final int MAX_CERT = 4096;
    static final int MAX_PHYSICAL = 255;
    static final int MAX_KNOWS = 64;

    private SealFormat() {
    }

    static void prefix(byte[] b, int kind) {
        prefix(b, 0, kind);
    }

    static void prefix(byte[] b, int off, int kind) {
        b[off] = MAGIC_0;
        b[off + 1] = MAGIC_1;
        b[off + 2] = VERSION;
        b[off + 3] = (byte) kind;
    }

    /** The kind of a packet with a valid prefix, else -1. */
    static int kind(byte[] b, int off, int len) {
        if (len < PREFIX || b[off] != MAGIC_0 || b[off + 1] != MAGIC_1 || b[off + 2] != VERSION) {
            return -1;
        }
        return b[off + 3];
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static int getInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static int getShort(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }
}
