package io.syncnode.it;

/**
 * The integration tests run two classes at once ({@code junit-platform.properties}). A class that
 * keeps the CPU or the disk busy for a long stretch (hashing gigabytes, writing a rootfs, killing
 * and restarting nodes in a loop) holds {@link #BUSY} ({@code @ResourceLock(Lanes.BUSY)}), so it
 * shares the machine only with a class that mostly waits (for a failure detector, a merge, a
 * heal), never with another busy one.
 */
final class Lanes {
    /** The resource lock of the busy classes. */
    static final String BUSY = "io.syncnode.it.busy";

    private Lanes() {
    }
}
