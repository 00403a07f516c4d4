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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of valid {@link Message}s of every kind: what a correct node sends, so that
 * {@code decode(encode(m))} must give {@code m} back. Every field ranges over what the decoder
 * accepts (PROTOCOL.md, "Limits"), edges included: 64-bit ids and counters, negative times, name
 * bytes that are not UTF-8, tombstones, inline content, extended attributes, hard links.
 */
final class WireArbitraries {
    private WireArbitraries() {
    }

    static Arbitrary<Message> messages() {
        return Arbitraries.oneOf(indexUpdates(), acks(), digests(), fetchRequests(), fetchData(), fetchCredits(),
                fetchAborts());
    }

    static Arbitrary<String> nodeNames() {
        return Combinators.combine(Arbitraries.strings().withChars("abcz019").ofLength(1),
                Arbitraries.strings().withChars("abz09-").ofMaxLength(31)).as(String::concat);
    }

    static Arbitrary<Long> senderIds() {
        return Arbitraries.longs().filter(id -> id != 0);
    }

    static Arbitrary<String> folders() {
        return Combinators.combine(Arbitraries.strings().withChars("aZ09").ofLength(1),
                Arbitraries.strings().withChars("azAZ09._-").ofMaxLength(63)).as(String::concat);
    }

    /** One path component: name bytes but '/' and NUL, as {@link NameCodec} strings. */
    static Arbitrary<String> components() {
        Arbitrary<Byte> nameByte = Arbitraries.oneOf(Arbitraries.bytes(), Arbitraries.of((byte) 'a', (byte) '.',
                (byte) 0xc3, (byte) 0xa9, (byte) 0xef, (byte) 0xbe)).filter(b -> b != '/' && b != 0);
        return nameByte.array(byte[].class).ofMinSize(1).ofMaxSize(10).map(NameCodec::decode)
                .filter(c -> !c.equals(".") && !c.equals("..") && !c.startsWith(RelativePath.TEMP_PREFIX));
    }

    static Arbitrary<String> paths() {
        return components().list().ofMinSize(1).ofMaxSize(4).map(parts -> String.join("/", parts))
                .filter(p -> !p.equals(RelativePath.ROOT));
    }

    static Arbitrary<VersionVector> versions() {
        Arbitrary<Long> counters = Arbitraries.oneOf(Arbitraries.longs().between(1, 5),
                Arbitraries.longs().between(1, Long.MAX_VALUE));
        return Arbitraries.maps(Arbitraries.longs(), counters).ofMinSize(1).ofMaxSize(5).map(VersionVector::of);
    }

    static Arbitrary<ContentHash> hashes() {
        return Arbitraries.bytes().array(byte[].class).ofSize(ContentHash.LENGTH).map(ContentHash::of);
    }

    static Arbitrary<Xattrs> xattrs() {
        Arbitrary<String> names = components().map(c -> "user." + c);
        Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        return Arbitraries.maps(names, values).ofMaxSize(3).map(Xattrs::of);
    }

    /** A record the decoder accepts, with inline content when it is a live regular file that fits. */
    static Arbitrary<Message.Announced> announced() {
        Arbitrary<FileType> types = Arbitraries.of(FileType.class);
        return Combinators.combine(paths(), types, Arbitraries.integers().between(0, 07777), Arbitraries.integers(),
                Arbitraries.longs(), Arbitraries.longs(), versions(), Arbitraries.of(false, false, true))
                .flatAs((path, type, mode, uid, mtime, modifiedBy, version, deleted) -> Combinators.combine(
                        hashes().injectNull(type == FileType.REGULAR && !deleted ? 0 : 0.5),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(300).injectNull(0.5),
                        components().list().ofMinSize(1).ofMaxSize(3).map(t -> "../" + String.join("/", t)),
                        Arbitraries.longs(), xattrs(), paths().injectNull(0.6),
                        Arbitraries.longs().between(0, Long.MAX_VALUE))
                        .as((hash, inline, target, rdev, x, link, size) -> {
                            boolean liveRegular = type == FileType.REGULAR && !deleted;
                            byte[] content = liveRegular ? inline : null;
                            String hardLink = liveRegular && link != null && link.compareTo(path) < 0 ? link : null;
                            FileRecord r = new FileRecord(path, type, mode, uid, ~uid, mtime,
                                    content != null ? content.length : size, hash,
                                    type == FileType.SYMLINK && !deleted ? target : null, rdev, version, deleted,
                                    modifiedBy, deleted ? Xattrs.EMPTY : x, hardLink);
                            return new Message.Announced(r, content);
                        }));
    }

    static Arbitrary<Message> indexUpdates() {
        return Combinators.combine(folders(), announced().list().ofMaxSize(5), Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as(Message.IndexUpdate::new);
    }

    static Arbitrary<Message> acks() {
        Arbitrary<Message.AckEntry> entries = Combinators.combine(paths(), versions()).as(Message.AckEntry::new);
        return Combinators.combine(folders(), entries.list().ofMaxSize(5)).as(Message.Ack::new);
    }

    static Arbitrary<Message> digests() {
        Arbitrary<Message.FolderDigest> folder = Combinators.combine(folders(),
                Arbitraries.bytes().array(byte[].class).ofSize(32), Arbitraries.longs())
                .as(Message.FolderDigest::new);
        return folder.list().ofMaxSize(4).uniqueElements(Message.FolderDigest::folder).map(Message.Digest::new);
    }

    static Arbitrary<Signature> signatures() {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(2000),
                Arbitraries.integers().between(1, 700)).as((basis, blockSize) -> {
                    try {
                        return new SignatureBuilder(blockSize).build(new ByteArrayInputStream(basis));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    static Arbitrary<Message> fetchRequests() {
        return Combinators.combine(Arbitraries.longs(), folders(), paths(), versions(), hashes(),
                signatures().injectNull(0.3), Arbitraries.integers().between(1, WireCodec.MAX_CREDIT))
                .as(Message.FetchRequest::new);
    }

    static Arbitrary<Message> fetchData() {
        Arbitrary<Message.DeltaOp> literal = Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
                .map(Message.Literal::new);
        Arbitrary<Message.DeltaOp> copy = Combinators.combine(Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.integers().between(1, Integer.MAX_VALUE)).as(Message.CopyBlocks::new);
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers(),
                Arbitraries.oneOf(literal, copy).list().ofMaxSize(8), Arbitraries.of(true, false))
                .as(Message.FetchData::new);
    }

    static Arbitrary<Message> fetchCredits() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, WireCodec.MAX_CREDIT))
                .as(Message.FetchCredit::new);
    }

    /** Details as the decoder hands them on: at most 1000 characters, none it would escape. */
    static Arbitrary<Message> fetchAborts() {
        Arbitrary<String> details = Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\u2fff')
                .ofMaxLength(1000).map(s -> s.replace('\\', '/'));
        return Combinators.combine(Arbitraries.longs(), Arbitraries.of(Message.AbortReason.class), details)
                .as(Message.FetchAbort::new);
    }
}
