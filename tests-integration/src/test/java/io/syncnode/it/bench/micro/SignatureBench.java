package io.syncnode.it.bench.micro;

import io.syncnode.protocol.delta.Signature;
import io.syncnode.protocol.delta.SignatureBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SignatureBuilder} over a 64 MiB random basis held in memory (8 KiB blocks, 8,192 of them):
 * a weak and a strong sum per block. ms/op for 64 MiB; MB/s = 67.1 / (ms/op / 1000).
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SignatureBench {
    static final int BASIS = 64 * MicroData.MIB;

    private byte[] basis;
    private SignatureBuilder builder;

    @Setup
    public void setUp() throws IOException {
        basis = MicroData.random(BASIS, 1);
        builder = SignatureBuilder.forLength(BASIS);
        Signature s = build();
        if (s.fileLength() != BASIS || s.blockCount() != BASIS / builder.blockSize()) {
            throw new IllegalStateException("signature of " + s.fileLength() + " bytes in " + s.blockCount() + " blocks");
        }
    }

    @Benchmark
    public Signature build() throws IOException {
        return builder.build(new ByteArrayInputStream(basis));
    }
}
