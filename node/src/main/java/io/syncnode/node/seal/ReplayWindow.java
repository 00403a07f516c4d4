package io.syncnode.node.seal;

/**
 * The counters already accepted from one sender under one key: a sliding window of the
 * {@value #SIZE} counters up to the highest one accepted (as IPsec's and DTLS's anti-replay windows).
 *
 * <p>Implementation notes: a counter is accepted once; a counter {@value #SIZE} or more below
 * the highest accepted one, or below the floor the window started at, is refused (it may be a
 * replay we can no longer tell from a fresh packet). UDP may reorder packets by a little, never by
 * thousands, so a window this size loses nothing real. {@link #mayAccept} is a cheap pre-check
 * done before decrypting; {@link #accept} is the atomic check-and-mark done only after the packet
 * proved authentic, so that a forged packet can never move the window. Thread-safe.
 */
final class ReplayWindow {
    static final int SIZE = 4096;
    private static final int WORDS = SIZE / 64;

    private final long[] seen = new long[WORDS];
    /** One above the highest accepted counter; the lowest acceptable counter before anything was accepted. */
    private long next;
    private long floor;

    /** A window that accepts counters from {@code floor} on. */
    ReplayWindow(long floor) {
        this.floor = floor;
        this.next = floor;
    }

    /** Whether {@code counter} could still be accepted (neither seen nor too old). */
    synchronized boolean mayAccept(long counter) {
        if (counter < floor || counter < 0) {
            return false;
        }
        if (counter >= next) {
            return true;
        }
        if (next - counter > SIZE) {
            return false;
        }
        return !bit(counter);
    }

    /** Marks {@code counter} as accepted; false (and nothing changes) when it was seen or is too old. */
    synchronized boolean accept(long counter) {
        if (!mayAccept(counter)) {
            return false;
        }
        if (counter >= next) {
            long advance = counter + 1 - next;
            if (advance >= SIZE) {
                java.util.Arrays.fill(seen, 0L);
            } else {
                for (long c = next; c <= counter; c++) {
                    clear(c);
                }
            }
            next = counter + 1;
        }
        set(counter);
        return true;
    }

    private boolean bit(long c) {
        int i = (int) ((c >>> 6) % WORDS);
        return (seen[i] & (1L << (c & 63))) != 0;
    }

    private void set(long c) {
        int i = (int) ((c >>> 6) % WORDS);
        seen[i] |= 1L << (c & 63);
    }

    private void clear(long c) {
        int i = (int) ((c >>> 6) % WORDS);
        seen[i] &= ~(1L << (c & 63));
    }
}
