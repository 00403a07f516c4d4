package io.syncnode.it.bench.micro;

import java.util.Arrays;

/** The targets the delta benchmarks encode against a 64 MiB random basis. */
public enum DeltaBenchCase {
    /** 1 MiB overwritten in the middle (not on a block boundary). */
    CHANGED_1MIB {
        @Override
        byte[] target(byte[] basis) {
            byte[] t = basis.clone();
            System.arraycopy(MicroData.random(MicroData.MIB, 2), 0, t, basis.length / 2 + 4321, MicroData.MIB);
            return t;
        }
    },
    /** The basis itself: every block a copy. */
    IDENTICAL {
        @Override
        byte[] target(byte[] basis) {
            return Arrays.copyOf(basis, basis.length);
        }
    },
    /** As long as the basis, nothing in common: every byte rolled over, every byte a literal. */
    ALL_NEW {
        @Override
        byte[] target(byte[] basis) {
            return MicroData.random(basis.length, 3);
        }
    };

    abstract byte[] target(byte[] basis);
}
