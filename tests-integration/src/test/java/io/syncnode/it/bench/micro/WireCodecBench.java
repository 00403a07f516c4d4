package io.syncnode.it.bench.micro;

import io.syncnode.node.wire.Envelope;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.node.wire.WireException;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.VersionVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The wire record codec ({@code node} {@link WireCodec}): encode, and decode with its validation, of
 * an {@code IndexUpdate} of 1,000 records of regular files (paths of about 30 bytes, a two-node
 * version vector, no inline content), the batch a bulk copy announces. us/op per batch of 1,000.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WireCodecBench {
    static final int FILES = 1000;
    static final long SENDER = 0x5eed5eed5eed5eedL;

    private Message.IndexUpdate update;
    private byte[] encoded;

    @Setup
    public void setUp() throws WireException {
        long a = 0x0a0a0a0a0a0a0a0aL;
        long b = 0xfedcba9876543210L;
        VersionVector version = VersionVector.of(Map.of(a, 1_800_000_000L, b, 1_800_000_007L));
        List<Message.Announced> files = new ArrayList<>(FILES);
        for (int i = 0; i < FILES; i++) {
            byte[] hash = MicroData.random(32, i);
            FileRecord r = new FileRecord(String.format("photos/2024/%02d/img-%05d.jpg", i % 12, i), FileType.REGULAR,
                    0644, 1000, 1000, 1_700_000_000_123_456_789L + i, 4096 + i, ContentHash.of(hash), null, 0,
                    version, false, b);
            files.add(new Message.Announced(r, null));
        }
        update = new Message.IndexUpdate("data", files, false, false);
        encoded = encode();
        Envelope e = decode();
        if (!(e.message() instanceof Message.IndexUpdate u) || !u.files().equals(files)) {
            throw new IllegalStateException("the decoded IndexUpdate differs from the encoded one");
        }
    }

    @Benchmark
    public byte[] encode() {
        return WireCodec.encode(SENDER, "node-1", update);
    }

    @Benchmark
    public Envelope decode() throws WireException {
        return WireCodec.decode(encoded);
    }
}
