package io.syncnode.node.wire;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.Xattrs;
import io.syncnode.protocol.delta.Signature;
import io.syncnode.protocol.delta.SignatureBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Valid {@link Message}s of every kind drawn from a seeded random source: what a correct node
 * sends, so that {@code decode(encode(m))} must give {@code m} back. Every field ranges over what
 * the decoder accepts (PROTOCOL.md, "Limits"), edges included: 64-bit ids and counters, negative
 * times, name bytes that are not UTF-8, tombstones, inline content, extended attributes, hard links.
 */
final class RandomMessages {
    private static final String NODE_FIRST = "abcz019";
    private static final String NODE_REST = "abz09-";
    private static final String FOLDER_FIRST = "aZ09";
    private static final String FOLDER_REST = "azAZ09._-";

    private final SplittableRandom r;

    RandomMessages(long seed) {
        this.r = new SplittableRandom(seed);
    }

    Message message() {
        return switch (r.nextInt(9)) {
            case 0 -> indexUpdate();
            case 1 -> ack();
            case 2 -> digest();
            case 3 -> fetchRequest();
            case 4 -> fetchData();
            case 5 -> new Message.FetchCredit(r.nextLong(), 1 + r.nextInt(WireCodec.MAX_CREDIT));
            case 6 -> fetchNeed();
            case 7 -> new Message.FetchBasis(anyLong(), signature());
            default -> fetchAbort();
        };
    }

    String nodeName() {
        return chars(NODE_FIRST, 1) + chars(NODE_REST, r.nextInt(32));
    }

    long senderId() {
        long id = r.nextLong();
        return id == 0 ? 1 : id;
    }

    String folder() {
        return chars(FOLDER_FIRST, 1) + chars(FOLDER_REST, r.nextInt(64));
    }

    private String chars(String from, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(from.charAt(r.nextInt(from.length())));
        }
        return sb.toString();
    }

    private long anyLong() {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextLong(-3, 4);
            case 1 -> r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
            default -> r.nextLong();
        };
    }

    private byte[] bytes(int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }

    /** A path component: 1 to 10 name bytes but '/' and NUL (dots and UTF-8 pieces often). */
    String component() {
        byte[] interesting = {'a', '.', (byte) 0xc3, (byte) 0xa9, (byte) 0xef, (byte) 0xbe};
        while (true) {
            byte[] b = new byte[1 + r.nextInt(10)];
            for (int i = 0; i < b.length; i++) {
                int c = r.nextBoolean() ? interesting[r.nextInt(interesting.length)] & 0xff : 1 + r.nextInt(255);
                b[i] = (byte) (c == '/' ? 'x' : c);
            }
            String c = NameCodec.decode(b);
            if (!c.equals(".") && !c.equals("..") && !c.startsWith(RelativePath.TEMP_PREFIX)) {
                return c;
            }
        }
    }

    String path() {
        List<String> parts = new ArrayList<>();
        for (int n = 1 + r.nextInt(4); n > 0; n--) {
            parts.add(component());
        }
        String p = String.join("/", parts);
        return p.equals(RelativePath.ROOT) ? "x" : p;
    }

    VersionVector version() {
        Map<Long, Long> counters = new HashMap<>();
        for (int n = 1 + r.nextInt(5); n > 0; n--) {
            counters.put(anyLong(), r.nextBoolean() ? 1 + r.nextLong(5) : 1 + r.nextLong(Long.MAX_VALUE));
        }
        return VersionVector.of(counters);
    }

    ContentHash hash() {
        byte[] b = new byte[ContentHash.LENGTH];
        r.nextBytes(b);
        return ContentHash.of(b);
    }

    Xattrs xattrs() {
        Map<String, byte[]> values = new LinkedHashMap<>();
        for (int n = r.nextInt(4); n > 0; n--) {
            values.put("user." + component(), bytes(40));
        }
        return Xattrs.of(values);
    }

    /** A record the decoder accepts, with inline content for some live regular files. */
    Message.Announced announced() {
        String path = path();
        FileType type = FileType.values()[r.nextInt(FileType.values().length)];
        boolean deleted = r.nextInt(3) == 0;
        boolean liveRegular = type == FileType.REGULAR && !deleted;
        ContentHash hash = liveRegular || r.nextBoolean() ? hash() : null;
        byte[] inline = liveRegular && r.nextBoolean() ? bytes(300) : null;
        String target = type == FileType.SYMLINK && !deleted ? "../" + component() + "/" + component() : null;
        String link = liveRegular && r.nextBoolean() ? path() : null;
        String hardLink = link != null && link.compareTo(path) < 0 ? link : null;
        long size = inline != null ? inline.length : r.nextBoolean() ? r.nextLong(100_000) : r.nextLong(Long.MAX_VALUE);
        int uid = (int) anyLong();
        FileRecord record = new FileRecord(path, type, r.nextInt(07777 + 1), uid, ~uid, anyLong(), size, hash, target,
                anyLong(), version(), deleted, anyLong(), deleted ? Xattrs.EMPTY : xattrs(), hardLink);
        return new Message.Announced(record, inline);
    }

    Message.IndexUpdate indexUpdate() {
        List<Message.Announced> files = new ArrayList<>();
        for (int n = r.nextInt(6); n > 0; n--) {
            files.add(announced());
        }
        boolean full = r.nextBoolean();
        boolean last = r.nextBoolean();
        return new Message.IndexUpdate(folder(), files, full, last, !full && !last && r.nextBoolean());
    }

    Message.Ack ack() {
        List<Message.AckEntry> entries = new ArrayList<>();
        for (int n = r.nextInt(6); n > 0; n--) {
            entries.add(new Message.AckEntry(path(), version()));
        }
        return new Message.Ack(folder(), entries);
    }

    Message.Digest digest() {
        Map<String, Message.FolderDigest> folders = new LinkedHashMap<>();
        for (int n = r.nextInt(5); n > 0; n--) {
            String folder = folder();
            byte[] digest = new byte[32];
            r.nextBytes(digest);
            folders.put(folder, new Message.FolderDigest(folder, digest, anyLong()));
        }
        return new Message.Digest(new ArrayList<>(folders.values()));
    }

    Signature signature() {
        try {
            return new SignatureBuilder(1 + r.nextInt(700)).build(new ByteArrayInputStream(bytes(2000)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Message.FetchRequest fetchRequest() {
        int kind = r.nextInt(3);
        return new Message.FetchRequest(anyLong(), folder(), path(), version(), hash(),
                kind == 0 ? signature() : null, 1 + r.nextInt(WireCodec.MAX_CREDIT), kind == 1 ? segmentSums() : null);
    }

    io.syncnode.protocol.delta.SegmentSums segmentSums() {
        try {
            return io.syncnode.protocol.delta.SegmentSums.build(new ByteArrayInputStream(bytes(5000)),
                    1 + r.nextInt(300), 1 + r.nextInt(20));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Message.FetchNeed fetchNeed() {
        java.util.BitSet need = new java.util.BitSet();
        need.set(r.nextInt(r.nextBoolean() ? 64 : io.syncnode.protocol.delta.SegmentSums.MAX_SEGMENTS));
        for (int n = r.nextInt(20); n > 0; n--) {
            need.set(r.nextInt(1000));
        }
        return new Message.FetchNeed(anyLong(), need);
    }

    Message.FetchData fetchData() {
        List<Message.DeltaOp> ops = new ArrayList<>();
        for (int n = r.nextInt(9); n > 0; n--) {
            ops.add(r.nextBoolean() ? new Message.Literal(bytes(300))
                    : new Message.CopyBlocks(r.nextBoolean() ? r.nextLong(1000) : r.nextLong(Long.MAX_VALUE),
                    r.nextBoolean() ? 1 + r.nextInt(64) : 1 + r.nextInt(Integer.MAX_VALUE)));
        }
        return new Message.FetchData(anyLong(), (int) anyLong(), ops, r.nextBoolean());
    }

    /** Details as the decoder hands them on: at most 1000 characters, none it would escape. */
    Message.FetchAbort fetchAbort() {
        StringBuilder detail = new StringBuilder();
        for (int n = r.nextInt(r.nextBoolean() ? 40 : 1001); n > 0; n--) {
            char c = r.nextBoolean() ? (char) (' ' + r.nextInt(95)) : (char) (0xa0 + r.nextInt(0x2f60));
            detail.append(c == '\\' ? '/' : c);
        }
        return new Message.FetchAbort(anyLong(),
                Message.AbortReason.values()[r.nextInt(Message.AbortReason.values().length)], detail.toString());
    }
}
