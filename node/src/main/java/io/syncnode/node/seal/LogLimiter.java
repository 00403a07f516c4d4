package io.syncnode.node.seal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * At most one warning a minute per subject (a certificate, a refusal reason and session): a
 * hostile or misconfigured node that sends a packet per millisecond gets one log line a minute,
 * and every packet is still counted. The subjects are a bounded Caffeine cache, so a flood of
 * distinct subjects cannot grow memory either.
 */
final class LogLimiter {
    private static final Logger LOG = Logger.getLogger(Handshake.class.getName());
    static final long EVERY_NANOS = 60_000_000_000L;

    private final Cache<String, Long> lastLogged = Caffeine.newBuilder().maximumSize(1024).build();

    void warn(String subject, long nowNanos, Supplier<String> message) {
        Long last = lastLogged.getIfPresent(subject);
        if (last != null && nowNanos - last < EVERY_NANOS) {
            return;
        }
        lastLogged.put(subject, nowNanos);
        LOG.warning(message);
    }
}
