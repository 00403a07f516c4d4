package io.syncnode.protocol.delta;

/**
 * rsync's weak checksum over a window of bytes, which can slide one byte in O(1).
 *
 * <p>Implementation notes. For a window {@code x[0..n-1]} (bytes taken unsigned),
 * {@code a = sum x[i]} and {@code b = sum (n - i) * x[i]}, both mod 2^16, and the checksum is
 * {@code a | b << 16} (Tridgell and Mackerras, "The rsync algorithm", section 3; rsync's
 * {@code get_checksum1} with {@code CHAR_OFFSET = 0}, but on unsigned bytes, so our values are
 * not rsync's). Sliding the window by one, dropping {@code out} and taking in {@code in}:
 * {@code a' = a - out + in}, {@code b' = b - n * out + a'}.
 *
 * <p>Invariant: {@code a} and {@code b} are kept as plain Java ints and allowed to wrap; since
 * 2^16 divides 2^32, their low 16 bits are always the mod-2^16 sums, and {@link #value()} only
 * looks at those. Not thread-safe; one instance per search.
 */
public final class RollingChecksum {
    private int a;
    private int b;
    private int length;

    /** Starts over on the window {@code buf[off .. off+len-1]}. */
    public void reset(byte[] buf, int off, int len) {
        int sa = 0;
        int sb = 0;
        for (int i = off, end = off + len; i < end; i++) {
            sa += buf[i] & 0xff;
            sb += sa;
        }
        a = sa;
        b = sb;
        length = len;
    }

    /** Slides the window one byte: {@code out} leaves at the front, {@code in} joins at the back. */
    public void roll(byte out, byte in) {
        int o = out & 0xff;
        a += (in & 0xff) - o;
        b += a - length * o;
    }

    /** The checksum of the current window: {@code a} in the low 16 bits, {@code b} in the high 16. */
    public int value() {
        return (a & 0xffff) | (b << 16);
    }

    /** The checksum of {@code buf[off .. off+len-1]}. */
    public static int of(byte[] buf, int off, int len) {
        RollingChecksum sum = new RollingChecksum();
        sum.reset(buf, off, len);
        return sum.value();
    }
}
