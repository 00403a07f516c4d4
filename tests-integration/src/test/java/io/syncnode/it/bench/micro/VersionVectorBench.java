package io.syncnode.it.bench.micro;

import io.syncnode.protocol.VersionVector;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link VersionVector} compare and merge with a counter for each of 2 or 16 nodes, as every
 * announced record meets its stored one: {@code compareBefore} (the other one bumped one node),
 * {@code compareConcurrent} (each bumped a different node), {@code merge} of the concurrent pair.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VersionVectorBench {
    @Param({"2", "16"})
    public int nodes;

    private VersionVector base;
    private VersionVector later;
    private VersionVector concurrent;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(5);
        Map<Long, Long> counters = new HashMap<>();
        long[] ids = new long[nodes];
        for (int i = 0; i < nodes; i++) {
            ids[i] = random.nextLong();
            counters.put(ids[i], 1_700_000_000L + random.nextInt(1_000_000));
        }
        base = VersionVector.of(counters);
        later = base.bump(ids[0], 0);
        concurrent = base.bump(ids[nodes - 1], 0);
        if (base.compare(later) != VersionVector.Ordering.BEFORE
                || later.compare(concurrent) != VersionVector.Ordering.CONCURRENT) {
            throw new IllegalStateException("the vectors do not relate as the benchmark says");
        }
    }

    @Benchmark
    public VersionVector.Ordering compareBefore() {
        return base.compare(later);
    }

    @Benchmark
    public VersionVector.Ordering compareConcurrent() {
        return later.compare(concurrent);
    }

    @Benchmark
    public VersionVector merge() {
        return later.merge(concurrent);
    }
}
