package io.syncnode.node.engine;

import io.syncnode.node.cluster.JGroupsTransport;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.fetch.TransferSource;
import io.syncnode.node.wire.Envelope;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.node.wire.WireException;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.VersionVector;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The transport listener: decodes and validates each message, notes the sender in the peer
 * directory, and hands the message to its folder or transfer. Runs on JGroups threads and never
 * blocks: every handler it calls only enqueues.
 */
public final class MessageRouter implements JGroupsTransport.Listener {
    private static final Logger LOG = Logger.getLogger(MessageRouter.class.getName());

    private final Map<String, FolderSync> folders;
    private final PeerDirectory peers;
    private final TransferSource source;
    private final Fetcher fetcher;
    private final NodeCounters counters;
    private final Node node;
    private final ClockSkew clocks;
    private final java.time.Clock clock;
    private final IndexQueries queries;

    /** What the router tells the rest of the node (all called on JGroups threads: they must not block). */
    public interface Node {
        /** A new view (see {@link io.syncnode.node.cluster.JGroupsTransport.Listener#onView}). */
        void viewChanged(List<String> members, boolean merge, java.util.Set<String> restarted);

        /** Where {@code member} listens, for the peer table. */
        String addressOf(String member);

        /**
         * {@code member} is heard from for the first time through its digest: the node should answer
         * with its own digest, so that the member learns this node too (its digests sent while the
         * member was still joining did not reach it).
         */
        void greet(String member);

        /** {@code member} is heard again after a silence, without a view change. */
        void heardAgain(String member);
    }
    /** When a refusal for (member, folder) was last logged: one line a minute each. */
    private final com.github.benmanes.caffeine.cache.Cache<String, Long> notShared =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(1024).build();

    public MessageRouter(Map<String, FolderSync> folders, PeerDirectory peers, TransferSource source, Fetcher fetcher,
                         NodeCounters counters, Node node, ClockSkew clocks, java.time.Clock clock,
                         IndexQueries queries) {
        this.folders = folders;
        this.peers = peers;
        this.source = source;
        this.fetcher = fetcher;
        this.counters = counters;
        this.node = node;
        this.clocks = clocks;
        this.clock = clock;
        this.queries = queries;
    }

    @Override
    public void onMessage(String from, byte[] payload) {
        counters.wireBytesReceived.addAndGet(payload.length);
        Envelope env;
        try {
            env = WireCodec.decode(payload);
        } catch (WireException e) {
            reject(from, e.getMessage());
            return;
        }
        if (!env.senderName().equals(from)) {
            reject(from, "envelope names sender \"" + env.senderName() + "\" but the transport says \"" + from + "\"");
            return;
        }
        deliver(env);
    }

    /** Routes a decoded, validated envelope (also the entry point of in-JVM injection tests). */
    public void deliver(Envelope env) {
        String from = env.senderName();
        PeerDirectory.Observation seen = peers.observe(env.senderId(), from, () -> node.addressOf(from));
        if (seen == PeerDirectory.Observation.REFUSED) {
            reject(from, "it claims node id " + Long.toHexString(env.senderId()) + ", which "
                    + (peers.isSelf(env.senderId()) ? "is this node's own" : "belongs to " + peers.nameOf(env.senderId())));
            return;
        }
        clocks.observe(from, env.sentAtMs());
        peers.stated(from, env.software());
        Message m = env.message();
        if (seen == PeerDirectory.Observation.NEW && m instanceof Message.Digest) {
            node.greet(from);
        }
        withoutImplausibleVersions(from, m).match(new Route(from));
    }

    /** Hands one validated message of {@code from} to its folder or transfer: one method per kind. */
    private final class Route implements Message.Cases<Void> {
        private final String from;

        Route(String from) {
            this.from = from;
        }

        @Override
        public Void indexUpdate(Message.IndexUpdate u) {
            FolderSync f = shared(u.folder(), from);
            if (f != null && u.verdict()) {
                f.onVerdict(from, u);
            } else if (f != null) {
                f.onIndexUpdate(from, u);
            }
            return null;
        }

        @Override
        public Void ack(Message.Ack a) {
            FolderSync f = shared(a.folder(), from);
            if (f != null) {
                f.onAck(from, a);
            }
            return null;
        }

        @Override
        public Void digest(Message.Digest d) {
            for (Message.FolderDigest fd : d.folders()) {
                FolderSync f = shared(fd.folder(), from);
                if (f != null) {
                    f.onDigest(from, fd);
                }
            }
            return null;
        }

        @Override
        public Void fetchRequest(Message.FetchRequest r) {
            if (!folders.containsKey(r.folder())) {
                reject(from, "fetch request for unknown folder " + r.folder());
            } else if (shared(r.folder(), from) != null) {
                source.onRequest(from, r);
            }
            return null;
        }

        @Override
        public Void fetchData(Message.FetchData d) {
            fetcher.onData(from, d);
            return null;
        }

        @Override
        public Void fetchCredit(Message.FetchCredit c) {
            source.onCredit(from, c);
            return null;
        }

        @Override
        public Void fetchAbort(Message.FetchAbort a) {
            fetcher.onAbort(from, a);
            source.onAbort(from, a);
            return null;
        }

        @Override
        public Void fetchNeed(Message.FetchNeed n) {
            fetcher.onNeed(from, n);
            return null;
        }

        @Override
        public Void fetchBasis(Message.FetchBasis b) {
            source.onBasis(from, b);
            return null;
        }

        @Override
        public Void indexQuery(Message.IndexQuery q) {
            queries.onQuery(from, q, shared(q.folder(), from) != null);
            return null;
        }

        @Override
        public Void indexAnswer(Message.IndexAnswer a) {
            queries.onAnswer(from, a);
            return null;
        }
    }

    /**
     * {@code m} without the records and acknowledgements whose version no node could have reached
     * (a counter more than {@link VersionVector#MAX_AHEAD_SECONDS} ahead of this node's clock): such
     * a version would win against every later one and freeze its path. Each one left out is refused
     * and counted; the rest of the message goes on.
     */
    private Message withoutImplausibleVersions(String from, Message m) {
        long now = clock.instant().getEpochSecond();
        if (m instanceof Message.IndexUpdate u) {
            List<Message.Announced> kept = u.files().stream()
                    .filter(a -> plausible(from, a.record().path(), a.record().version(), now)).toList();
            return kept.size() == u.files().size() ? u : new Message.IndexUpdate(u.folder(), kept, u.full(), u.last(), u.verdict());
        }
        if (m instanceof Message.Ack a) {
            List<Message.AckEntry> kept = a.entries().stream()
                    .filter(e -> plausible(from, e.path(), e.version(), now)).toList();
            return kept.size() == a.entries().size() ? a : new Message.Ack(a.folder(), kept);
        }
        return m;
    }

    /** Whether {@code v} is a version a node could have reached; refuses and counts it if not. */
    private boolean plausible(String from, String path, VersionVector v, long now) {
        if (v.plausibleAt(now)) {
            return true;
        }
        reject(from, implausible(path, v));
        return false;
    }

    private static String implausible(String path, VersionVector v) {
        return "version " + v + " of " + NameCodec.display(path) + " runs more than "
                + VersionVector.MAX_AHEAD_SECONDS + " s ahead of this node's clock: refused, it would freeze the path";
    }

    /**
     * The folder {@code name} when it is shared with {@code from}; null when this node has no such
     * folder (ignored: members may sync folders this node does not) or when the folder's
     * {@code nodes} do not list {@code from} (refused and counted: its changes never count here).
     */
    private FolderSync shared(String name, String from) {
        FolderSync f = folders.get(name);
        if (f == null || f.sharedWith(from)) {
            return f;
        }
        counters.rejectedMessages.incrementAndGet();
        Long last = notShared.getIfPresent(from + "/" + name);
        long now = System.nanoTime();
        if (last == null || now - last > 60_000_000_000L) {
            notShared.put(from + "/" + name, now);
            LOG.warning(() -> "refused a message of " + from + " about folder " + name + ": the folder is not"
                    + " shared with " + from + " here ([[folder]] nodes); counted in rejectedMessages");
        }
        return null;
    }

    private void reject(String from, String why) {
        counters.rejectedMessages.incrementAndGet();
        LOG.warning(() -> "rejected a message from " + from + ": " + why);
    }

    @Override
    public void onView(List<String> members, boolean merge, java.util.Set<String> restarted) {
        node.viewChanged(members, merge, restarted);
    }

    @Override
    public void onHeardAgain(String member) {
        node.heardAgain(member);
    }
}
