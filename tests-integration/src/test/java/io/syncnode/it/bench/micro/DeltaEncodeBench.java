package io.syncnode.it.bench.micro;

import io.syncnode.protocol.delta.DeltaEncoder;
import io.syncnode.protocol.delta.DeltaSummary;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link DeltaEncoder} of a 64 MiB target against the signature of a 64 MiB random basis, for each
 * {@link DeltaBenchCase}: (a) 1 MiB changed, (b) identical, (c) all new. The sink only counts, so
 * the figure is the search and the whole-file SHA-256. ms/op for 64 MiB.
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DeltaEncodeBench {
    @Param({"CHANGED_1MIB", "IDENTICAL", "ALL_NEW"})
    public DeltaBenchCase target;

    private byte[] bytes;
    private DeltaEncoder encoder;

    @Setup
    public void setUp() throws IOException {
        byte[] basis = MicroData.random(SignatureBench.BASIS, 1);
        Signature signature = SignatureBuilder.forLength(basis.length).build(new ByteArrayInputStream(basis));
        bytes = target.target(basis);
        encoder = new DeltaEncoder(signature);
        MicroData.CountingSink sink = new MicroData.CountingSink();
        DeltaSummary s = encoder.encode(new ByteArrayInputStream(bytes), sink);
        long expectedLiterals = switch (target) {
            case CHANGED_1MIB -> MicroData.MIB + signature.blockSize();
            case IDENTICAL -> 0;
            case ALL_NEW -> bytes.length;
        };
        // a literal count far from the case's means the search is broken, not fast
        if (s.targetLength() != bytes.length || Math.abs(sink.literalBytes - expectedLiterals) > signature.blockSize()) {
            throw new IllegalStateException(target + ": " + sink.literalBytes + " literal bytes, expected about "
                    + expectedLiterals);
        }
    }

    @Benchmark
    public DeltaSummary encode() throws IOException {
        return encoder.encode(new ByteArrayInputStream(bytes), new MicroData.CountingSink());
    }
}
