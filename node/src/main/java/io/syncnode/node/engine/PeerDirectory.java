package io.syncnode.node.engine;

import io.syncnode.node.index.PeerInfo;
import io.syncnode.node.index.SqliteIndexStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The peers this node has heard from (id, name, address, last seen), kept in the index so
 * that dirty entries toward a stopped peer survive restarts, until the operator retires one
 * ({@link #forget}). Thread-safe; {@link #observe} is cheap enough for every inbound message (it
 * writes only when something changed or a minute has passed).
 */
public final class PeerDirectory {
    private static final Logger LOG = Logger.getLogger(PeerDirectory.class.getName());
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final SqliteIndexStore store;
    private final long selfId;
    private final Clock clock;
    private final Map<Long, PeerInfo> byId = new ConcurrentHashMap<>();
    private final Map<String, Long> idByName = new ConcurrentHashMap<>();
    /** The software version each peer's last digest stated (in memory: a peer states it again at every view change). */
    private final Map<String, String> software = new ConcurrentHashMap<>();

    public PeerDirectory(SqliteIndexStore store, long selfId, Clock clock) {
        this.store = store;
        this.selfId = selfId;
        this.clock = clock;
        for (PeerInfo p : store.peers()) {
            byId.put(p.id(), p);
            idByName.put(p.name(), p.id());
        }
    }

    /** What {@link #observe} made of a message's sender. */
    public enum Observation {
        /** A peer heard from before under this id and name. */
        KNOWN,
        /** A peer (this id) not heard from before: now recorded. */
        NEW,
        /**
         * Refused: the id is this node's own, or another peer's. A member claiming an id it does not
         * own would take over that peer's dirty entries; nothing it sent counts.
         */
        REFUSED
    }

    /**
     * Records that {@code name} (id {@code id}) was heard from; {@code address} is asked only when
     * the peer is new or its entry is due for a refresh (it may return null). A name that comes back
     * with a new id is a peer whose state was reset (its old id is forgotten); an id that comes with
     * another name than the one it was first heard with is refused.
     */
    public Observation observe(long id, String name, Supplier<String> address) {
        if (id == selfId) {
            return Observation.REFUSED;
        }
        Instant now = clock.instant();
        PeerInfo old = byId.get(id);
        if (old != null && !old.name().equals(name)) {
            return Observation.REFUSED;
        }
        if (old != null && Duration.between(old.lastSeen(), now).compareTo(TOUCH_EVERY) < 0) {
            return Observation.KNOWN;
        }
        String fresh = address.get();
        String addr = fresh != null ? fresh : old != null ? old.address() : "";
        if (old != null && old.address().equals(addr)
                && Duration.between(old.lastSeen(), now).compareTo(TOUCH_EVERY) < 0) {
            return Observation.KNOWN;
        }
        PeerInfo p = new PeerInfo(id, name, addr, now);
        byId.put(id, p);
        Long previous = idByName.put(name, id);
        if (previous != null && previous != id) {
            byId.remove(previous);
            LOG.warning(() -> "peer " + name + " came back with a new node id (its state was reset); "
                    + "dropping what was pending for its old id");
            store.write(w -> {
                w.forgetPeer(previous);
                return null;
            });
        }
        if (old == null) {
            LOG.info(() -> "new peer " + name + " (" + Long.toHexString(id) + ") at " + addr);
        }
        store.write(w -> {
            w.upsertPeer(p);
            return null;
        });
        return old == null ? Observation.NEW : Observation.KNOWN;
    }

    /**
     * Drops every peer named {@code name} (normally one id; more when the name came back with a new
     * id and the old one was not yet dropped): its row in the peers table and its dirty entries in
     * every folder. Runs as one write on the index writer thread and takes the peer out of this
     * directory inside that write, so a folder's flush (which reads {@link #knownIds} inside its own
     * write) either ran before, and its dirty entries are dropped with the rest, or runs after, and
     * marks nothing toward the peer. A forgotten peer that is heard from again is a new peer
     * ({@link Observation#NEW}). The caller checks that {@code name} is not a member.
     *
     * @return the future of what was dropped: the peer's ids and its dirty entries; no ids when no
     *     peer of that name was known
     */
    public CompletableFuture<Forgotten> forget(String name) {
        return store.write(w -> {
            List<Long> ids = new ArrayList<>();
            byId.forEach((id, p) -> {
                if (p.name().equals(name)) {
                    ids.add(id);
                }
            });
            Collections.sort(ids);
            long dirty = 0;
            for (long id : ids) {
                dirty += w.forgetPeer(id);
            }
            for (long id : ids) {
                byId.remove(id);
                idByName.remove(name, id);
            }
            software.remove(name);
            if (!ids.isEmpty()) {
                long dropped = dirty;
                LOG.warning(() -> "forgot peer " + name + " (" + ids.stream().map(Long::toHexString)
                        .collect(java.util.stream.Collectors.joining(", ")) + ") at the operator's request: dropped "
                        + dropped + " dirty entries toward it; if it comes back it is treated as a new peer");
            }
            return new Forgotten(name, List.copyOf(ids), dirty);
        });
    }

    /**
     * Forgets, as {@link #forget} does, every peer that is not a member now and was last seen
     * before {@code cutoff} (never seen counts as before): its row and its dirty entries go, so they
     * do not hold tombstones for ever ({@code [cluster] tombstone-retention}); if it comes back it
     * is a new peer. Logs each forgotten name once. One write on the index writer thread.
     *
     * @param retention the configured retention, as the log line names it
     * @return the future of what was dropped, one entry per forgotten name
     */
    public CompletableFuture<List<Forgotten>> forgetUnseenSince(Instant cutoff, Set<String> members,
                                                                String retention) {
        return store.write(w -> {
            java.util.Map<String, List<Long>> stale = new java.util.TreeMap<>();
            byId.forEach((id, p) -> {
                if (!members.contains(p.name()) && (p.lastSeen() == null || p.lastSeen().isBefore(cutoff))) {
                    stale.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(id);
                }
            });
            List<Forgotten> out = new ArrayList<>();
            stale.forEach((name, ids) -> {
                Collections.sort(ids);
                Instant seen = ids.stream().map(byId::get).map(PeerInfo::lastSeen)
                        .filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(null);
                long dirty = 0;
                for (long id : ids) {
                    dirty += w.forgetPeer(id);
                    byId.remove(id);
                    idByName.remove(name, id);
                }
                software.remove(name);
                long dropped = dirty;
                LOG.warning(() -> "forgot peer " + name + ": not seen since " + (seen == null ? "ever" : seen)
                        + ", longer than [cluster] tombstone-retention (" + retention + "): dropped " + dropped
                        + " dirty entries toward it; if it comes back it is a new peer and may bring back files "
                        + "deleted meanwhile (see README, Limits)");
                out.add(new Forgotten(name, List.copyOf(ids), dirty));
            });
            return List.copyOf(out);
        });
    }

    /** Records the software version {@code name} stated (escaped peer text; "" is ignored). */
    public void stated(String name, String version) {
        if (!version.isEmpty()) {
            software.put(name, version);
        }
    }

    /** The software version {@code name} last stated since this node started, or null. */
    public String softwareOf(String name) {
        return software.get(name);
    }

    /** What {@link #forget} dropped: the ids that carried the name and the dirty entries toward them. */
    public record Forgotten(String name, List<Long> ids, long dirty) {
        /** Whether a peer of that name was known at all. */
        public boolean known() {
            return !ids.isEmpty();
        }
    }

    /** Ids of every known peer but this node: the peers a local change is dirty toward. */
    public Set<Long> knownIds() {
        return Set.copyOf(byId.keySet());
    }

    /** Ids of the known peers whose name passes {@code shares}: those a folder's change is dirty toward. */
    public Set<Long> knownIds(java.util.function.Predicate<String> shares) {
        Set<Long> out = new java.util.HashSet<>();
        byId.forEach((id, p) -> {
            if (shares.test(p.name())) {
                out.add(id);
            }
        });
        return out;
    }

    /** Whether {@code id} is this node's own id. */
    public boolean isSelf(long id) {
        return id == selfId;
    }

    public Long idOf(String name) {
        return idByName.get(name);
    }

    public String nameOf(long id) {
        PeerInfo p = byId.get(id);
        return p == null ? Long.toHexString(id) : p.name();
    }

    public List<PeerInfo> all() {
        return List.copyOf(byId.values());
    }
}
