package io.syncnode.protocol.delta;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One delta operation, as a value: the core form of the protobuf
 * {@code DeltaOp { oneof { bytes literal; CopyBlocks { uint64 first_block; uint32 count } } }}.
 * The wire converter maps {@link Literal} to {@code literal} and {@link Copy} to {@code copy}.
 */
public sealed interface DeltaOp {

    /** Sends this operation to {@code sink}. */
    void replay(DeltaSink sink) throws IOException;

    /** Bytes of the target that are not found in the basis. */
    record Literal(byte[] bytes) implements DeltaOp {
        /** Keeps a copy of {@code bytes}. */
        public Literal {
            bytes = bytes.clone();
        }

        public static Literal of(byte[] buf, int off, int len) {
            return new Literal(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public int length() {
            return bytes.length;
        }

        @Override
        public void replay(DeltaSink sink) throws IOException {
            sink.literal(bytes, 0, bytes.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Literal other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Literal[" + bytes.length + " bytes: "
                    + HexFormat.of().formatHex(bytes, 0, Math.min(8, bytes.length)) + (bytes.length > 8 ? "...]" : "]");
        }
    }

    /** Basis blocks {@code firstBlock .. firstBlock+blockCount-1}, appended as they are. */
    record Copy(long firstBlock, int blockCount) implements DeltaOp {
        /** Rejects a negative first block or a count below 1 (both are invalid on the wire). */
        public Copy {
            if (firstBlock < 0) {
                throw new IllegalArgumentException("firstBlock: must be >= 0, got " + firstBlock);
            }
            if (blockCount < 1) {
                throw new IllegalArgumentException("blockCount: must be >= 1, got " + blockCount);
            }
        }

        @Override
        public void replay(DeltaSink sink) throws IOException {
            sink.copy(firstBlock, blockCount);
        }
    }
}
