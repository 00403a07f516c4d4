package io.syncnode.it.bench.micro;

import io.syncnode.protocol.delta.DeltaEncoder;
import io.syncnode.protocol.delta.DeltaOp;
import io.syncnode.protocol.delta.DeltaPatcher;
import io.syncnode.protocol.delta.DeltaSummary;
import io.syncnode.protocol.delta.PatchedFile;
import io.syncnode.protocol.delta.Signature;
import io.syncnode.protocol.delta.SignatureBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
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
 * {@link DeltaPatcher} rebuilding a 64 MiB target from its recorded delta against a basis in memory,
 * into a null stream: the copies from the basis, the literals and the SHA-256 of all it writes.
 * ms/op for 64 MiB.
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DeltaPatchBench {
    @Param({"CHANGED_1MIB", "IDENTICAL", "ALL_NEW"})
    public DeltaBenchCase target;

    private Signature signature;
    private MicroData.MemoryBasis basis;
    private List<DeltaOp> ops;

    @Setup
    public void setUp() throws IOException {
        byte[] basisBytes = MicroData.random(SignatureBench.BASIS, 1);
        basis = new MicroData.MemoryBasis(basisBytes);
        signature = SignatureBuilder.forLength(basisBytes.length).build(new ByteArrayInputStream(basisBytes));
        MicroData.Recorder recorder = new MicroData.Recorder();
        DeltaSummary s = new DeltaEncoder(signature).encode(new ByteArrayInputStream(target.target(basisBytes)), recorder);
        ops = recorder.ops;
        PatchedFile p = patch();
        if (p.length() != s.targetLength() || !p.hash().equals(s.targetHash())) {
            throw new IllegalStateException(target + ": the patched file differs from the target");
        }
    }

    @Benchmark
    public PatchedFile patch() throws IOException {
        DeltaPatcher patcher = new DeltaPatcher(signature, basis, OutputStream.nullOutputStream());
        for (DeltaOp op : ops) {
            op.replay(patcher);
        }
        return patcher.finish();
    }
}
