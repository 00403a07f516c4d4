package io.syncnode.it.bench.micro;

import io.syncnode.protocol.delta.RollingChecksum;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The weak checksum as the encoder uses it: {@code roll} slides an 8 KiB window (the block size of a
 * 64 MiB basis) one byte at a time over 1 MiB, reading each window's value as the search does;
 * {@code reset} sums one 8 KiB block from scratch, as the signature does per block. Per byte: ns/op
 * of {@code roll} is the cost of one position, {@code reset} of one block.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RollingChecksumBench {
    static final int BLOCK = 8 * 1024;
    static final int BUFFER = MicroData.MIB;
    static final int ROLLS = BUFFER - BLOCK;

    private byte[] data;
    private final RollingChecksum sum = new RollingChecksum();

    @Setup
    public void setUp() {
        data = MicroData.random(BUFFER, 11);
        // the rolled value must equal a fresh sum of the same window, or the figures mean nothing
        sum.reset(data, 0, BLOCK);
        for (int p = 0; p < 4 * BLOCK; p++) {
            sum.roll(data[p], data[p + BLOCK]);
        }
        if (sum.value() != RollingChecksum.of(data, 4 * BLOCK, BLOCK)) {
            throw new IllegalStateException("rolled checksum differs from a fresh one");
        }
    }

    /** One roll and one value per op, over 1 MiB. */
    @Benchmark
    @OperationsPerInvocation(ROLLS)
    public int roll() {
        byte[] d = data;
        sum.reset(d, 0, BLOCK);
        int acc = 0;
        for (int p = 0; p < ROLLS; p++) {
            sum.roll(d[p], d[p + BLOCK]);
            acc ^= sum.value();
        }
        return acc;
    }

    /** A fresh sum of one 8 KiB block. */
    @Benchmark
    public int reset() {
        return RollingChecksum.of(data, 12345, BLOCK);
    }
}
