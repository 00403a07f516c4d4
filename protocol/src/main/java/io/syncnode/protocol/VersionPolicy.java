package io.syncnode.protocol;

import java.time.Duration;
import java.util.Objects;

/**
 * A folder's versioning settings ({@code versions}, {@code versions-keep}, {@code versions-max-age},
 * {@code versions-max-size}), validated by the config loader.
 *
 * @param mode        what is kept
 * @param keep        {@link VersionsMode#SIMPLE}: versions kept per path (at least 1); else unused
 * @param maxAge      versions older than this go; null: no age limit (simple only)
 * @param maxBytes    the cap on the bytes kept for the folder, when given as a size (else 0)
 * @param maxPercent  the cap in hundredths of a percent of the state directory's file system, when
 *                    given as a share (else 0); with both 0 there is no size cap
 */
public record VersionPolicy(VersionsMode mode, int keep, Duration maxAge, long maxBytes, int maxPercent) {
    /** The default: nothing is kept. */
    public static final VersionPolicy NONE = new VersionPolicy(VersionsMode.NONE, 0, null, 0, 0);
    public static final int DEFAULT_KEEP = 5;
    public static final Duration DEFAULT_TRASH_AGE = Duration.ofDays(30);
    public static final Duration DEFAULT_STAGGERED_AGE = Duration.ofDays(365);
    /** The default size cap: ten percent of the state directory's file system. */
    public static final int DEFAULT_MAX_PERCENT = 1000;

    public VersionPolicy {
        Objects.requireNonNull(mode, "mode");
    }

    /** The size cap in bytes on a file system of {@code totalBytes}; {@link Long#MAX_VALUE} when none. */
    public long capOf(long totalBytes) {
        if (maxPercent > 0) {
            return (long) (totalBytes / 10_000.0 * maxPercent);
        }
        return maxBytes > 0 ? maxBytes : Long.MAX_VALUE;
    }
}
