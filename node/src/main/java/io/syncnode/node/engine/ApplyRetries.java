package io.syncnode.node.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.FileRecord;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * Remote versions whose apply failed (a full disk, an I/O error, a rename that lost a race) are
 * applied again by this node on its own, after 2 s, then after twice the previous wait up to
 * 60 s: they do not wait for the sender to announce them again (which it does only at the next
 * digest exchange or view change). The version comes back without its inline content, so it takes
 * the fetch path, which waits for disk space above {@code min-free} like any fetch and never
 * keeps file content in memory while it waits. The waits per path are bounded state (caffeine:
 * at most 100,000 paths, forgotten 10 minutes after their last failure).
 */
final class ApplyRetries {
    private static final Logger LOG = Logger.getLogger(ApplyRetries.class.getName());
    /** The same waits as a failed fetch's ({@link FetchQueue#RETRY_FIRST}, {@link FetchQueue#RETRY_MAX}). */
    static final Duration FIRST = FetchQueue.RETRY_FIRST;
    static final Duration MAX = FetchQueue.RETRY_MAX;

    private final String folder;
    private final FetchQueue.Later later;
    private final BiConsumer<String, Message.Announced> redeliver;
    private final Cache<String, Duration> waits = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(10)).executor(Runnable::run).build(); // upkeep here (see RowCache)
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();

    /** @param redeliver hands a version back to the folder as if {@code from} had announced it again */
    ApplyRetries(String folder, FetchQueue.Later later, BiConsumer<String, Message.Announced> redeliver) {
        this.folder = folder;
        this.later = later;
        this.redeliver = redeliver;
    }

    /** The apply of {@code target}, announced by {@code from}, failed: it is tried again later. */
    void failed(String from, FileRecord target) {
        String rel = target.path();
        if (from == null) {
            return; // settled by this node itself (resolve): the operator sees the problem and tries again
        }
        Duration last = waits.getIfPresent(rel);
        Duration wait = last == null ? FIRST : last.multipliedBy(2).compareTo(MAX) > 0 ? MAX : last.multipliedBy(2);
        waits.put(rel, wait);
        if (!scheduled.add(rel)) {
            return; // one retry per path at a time; it carries the version announced last
        }
        LOG.info(() -> folder + ": " + rel + " is applied again in " + wait.toSeconds() + " s");
        later.after(wait, () -> {
            scheduled.remove(rel);
            redeliver.accept(from, new Message.Announced(target, null));
        });
    }

    /** The path's version was applied or stored: its wait starts again from the first. */
    void succeeded(String rel) {
        if (waits.getIfPresent(rel) != null) {
            waits.invalidate(rel);
        }
    }

    /** Paths waiting to be applied again (status). */
    int pending() {
        return scheduled.size();
    }
}
