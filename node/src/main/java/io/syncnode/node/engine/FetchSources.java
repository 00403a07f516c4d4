package io.syncnode.node.engine;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which members a wanted version can be fetched from, and which of them each fetch uses: every
 * member that offered exactly that content (the same version announced or sent in its index: a new
 * replica gets the whole index from each member) is a source, and a fetch starts from the source
 * with the fewest of this folder's fetches running, so a new node pulls from several peers at once
 * (ties go to the earliest offer). A source whose transfer failed is dropped for that path, and the
 * fetch goes on from another one at once.
 *
 * <p>Confined to the folder's worker thread (as {@link FetchQueue}, its only user).
 */
final class FetchSources {
    /** path -> the members that offered the wanted content, in the order of their offers. */
    private final Map<String, Set<String>> offers = new HashMap<>();
    /** member -> fetches of this folder running from it. */
    private final Map<String, Integer> running = new HashMap<>();

    /** {@code member} offers the content now wanted at {@code path}, which replaces any other content wanted there. */
    void first(String path, String member) {
        Set<String> s = new LinkedHashSet<>();
        s.add(member);
        offers.put(path, s);
    }

    /** {@code member} offers the same content as is already wanted at {@code path}. */
    void also(String path, String member) {
        offers.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(member);
    }

    /**
     * The source a fetch of {@code path} starts from now ({@code fallback} when no offer is
     * known), counted as running until {@link #finished}.
     */
    String start(String path, String fallback) {
        String best = fallback;
        int least = Integer.MAX_VALUE;
        for (String m : offers.getOrDefault(path, Set.of(fallback))) {
            int n = running.getOrDefault(m, 0);
            if (n < least) {
                least = n;
                best = m;
            }
        }
        running.merge(best, 1, Integer::sum);
        return best;
    }

    /** A fetch from {@code member} ended (whatever its outcome). */
    void finished(String member) {
        running.computeIfPresent(member, (m, n) -> n > 1 ? n - 1 : null);
    }

    /**
     * A fetch of {@code path} from {@code member} failed: that member is no longer a source of it.
     * Returns another source that offered the same content, or null when none is left.
     */
    String failed(String path, String member) {
        Set<String> s = offers.get(path);
        if (s == null) {
            return null;
        }
        s.remove(member);
        if (s.isEmpty()) {
            offers.remove(path);
            return null;
        }
        return s.iterator().next();
    }

    /** Nothing is wanted at {@code path} any more (installed, superseded, given up). */
    void forget(String path) {
        offers.remove(path);
    }

    /** The members that offered the content wanted at {@code path} (for tests and logs). */
    Set<String> of(String path) {
        return Set.copyOf(offers.getOrDefault(path, Set.of()));
    }
}
