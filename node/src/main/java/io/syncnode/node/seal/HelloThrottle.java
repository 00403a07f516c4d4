package io.syncnode.node.seal;

/**
 * A token bucket over introductions that need a certificate and signature check (~0.2 ms of CPU
 * each): at most {@value #BURST} at once and {@value #PER_SECOND} per second on average, so that
 * a flood of well-formed hellos cannot take a node's CPU. Identical repeats of a verified hello
 * are not checked again and take no token. Called under the handshake's lock.
 */
final class HelloThrottle {
    static final int BURST = 64;
    static final int PER_SECOND = 32;
    private static final long NANOS_PER_TOKEN = 1_000_000_000L / PER_SECOND;

    private double tokens = BURST;
    private long last;

    HelloThrottle(long nowNanos) {
        this.last = nowNanos;
    }

    boolean take(long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(BURST, tokens + (double) elapsed / NANOS_PER_TOKEN);
            last = nowNanos;
        }
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
