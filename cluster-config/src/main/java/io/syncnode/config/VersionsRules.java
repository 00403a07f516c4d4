package io.syncnode.config;

import io.syncnode.protocol.VersionPolicy;
import io.syncnode.protocol.VersionsMode;
import java.time.Duration;

/**
 * The versioning keys of one {@code [[folder]]}: what is kept of a file that a remote change (or a
 * restore) replaces or deletes, and for how long.
 *
 * <pre>
 * versions = "simple"          # none (default) | trash | simple | staggered
 * versions-keep = 5            # simple only: versions kept per path, 1 to 10000 (default 5)
 * versions-max-age = "30d"     # trash (default 30d), staggered (default 365d), simple (default: no limit)
 * versions-max-size = "10%"    # cap on the folder's kept bytes: a size or a share of the state
 *                              # directory's file system, up to 90% (default 10%); the oldest go first
 * </pre>
 * A retention key that the mode does not use is an error, so that a setting never silently does nothing.
 */
final class VersionsRules {
    static final Duration MIN_AGE = Duration.ofMinutes(1);

    private VersionsRules() {
    }

    static VersionPolicy read(TomlTable t) throws ConfigException {
        VersionsMode mode = t.choice("versions", VersionsMode.values(), VersionsMode::configName, VersionsMode.NONE);
        if (!mode.keeps()) {
            for (String key : new String[]{"versions-keep", "versions-max-age", "versions-max-size"}) {
                if (t.has(key)) {
                    throw t.error(key, "has no effect without versions = \"trash\", \"simple\" or \"staggered\"");
                }
            }
            return VersionPolicy.NONE;
        }
        int keep = 0;
        if (mode == VersionsMode.SIMPLE) {
            long k = t.integer("versions-keep").orElse((long) VersionPolicy.DEFAULT_KEEP);
            if (k < 1 || k > 10_000) {
                throw t.error("versions-keep", k + " must be from 1 to 10000");
            }
            keep = (int) k;
        } else if (t.has("versions-keep")) {
            throw t.error("versions-keep", "only applies to versions = \"simple\"; " + mode.configName()
                    + " is bounded by versions-max-age");
        }
        Duration dflt = switch (mode) {
            case TRASH -> VersionPolicy.DEFAULT_TRASH_AGE;
            case STAGGERED -> VersionPolicy.DEFAULT_STAGGERED_AGE;
            default -> null;
        };
        Duration maxAge = t.duration("versions-max-age", dflt, MIN_AGE, null, "at least 1m");
        long maxBytes = 0;
        int maxPercent = VersionPolicy.DEFAULT_MAX_PERCENT;
        if (t.has("versions-max-size")) {
            String text = t.requiredString("versions-max-size");
            MinFree cap;
            try {
                cap = text.strip().endsWith("%") ? MinFree.parse(text) : sizeOnly(text);
            } catch (IllegalArgumentException e) {
                throw t.error("versions-max-size", e.getMessage());
            }
            if (cap.percent() == 0 && cap.bytes() <= 0) {
                throw t.error("versions-max-size", "\"" + text + "\" would keep nothing; set versions = \"none\" instead");
            }
            maxBytes = cap.bytes();
            maxPercent = cap.percent();
        }
        return new VersionPolicy(mode, keep, maxAge, maxBytes, maxPercent);
    }

    private static MinFree sizeOnly(String text) {
        Long bytes = MinFree.size(text);
        if (bytes == null) {
            throw new IllegalArgumentException("\"" + text + "\" is neither a size (e.g. 512MiB, 2GB) nor a share (e.g. 10%)");
        }
        return new MinFree(bytes, 0);
    }
}
