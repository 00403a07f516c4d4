package io.syncnode.protocol.delta;

import java.util.SplittableRandom;

/** Kinds of file content the property tests draw from: random, and the repetitive worst cases. */
enum Content {
    RANDOM {
        @Override
        byte[] make(int length, SplittableRandom random) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            return data;
        }
    },
    ZEROS {
        @Override
        byte[] make(int length, SplittableRandom random) {
            return new byte[length];
        }
    },
    /** A random pattern of 1 to 300 bytes, repeated. */
    PATTERN {
        @Override
        byte[] make(int length, SplittableRandom random) {
            byte[] pattern = RANDOM.make(1 + random.nextInt(300), random);
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++) {
                data[i] = pattern[i % pattern.length];
            }
            return data;
        }
    },
    /** Only the bytes 0 and 1: many weak-checksum collisions. */
    TWO_SYMBOLS {
        @Override
        byte[] make(int length, SplittableRandom random) {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++) {
                data[i] = (byte) random.nextInt(2);
            }
            return data;
        }
    };

    abstract byte[] make(int length, SplittableRandom random);
}
