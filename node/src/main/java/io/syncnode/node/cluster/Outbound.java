package io.syncnode.node.cluster;

import io.syncnode.config.FolderConfig;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.node.wire.WireCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Every message this node sends, on its way out: cut to each folder's sharing, encoded once with
 * this node's id, name and clock, and queued on the destination's {@link SendLanes lane}. No
 * caller waits on a peer (see {@code CONCURRENCY.md}).
 *
 * <p>Sharing: a message about a folder with {@code nodes} goes only to those nodes (a multicast
 * becomes unicasts to the listed members, which the seal layer encrypts for each alone), and a
 * digest is cut so that each member sees only the folders shared with it.
 */
public final class Outbound implements Outbox, AutoCloseable {
    private final SyncnodeConfig config;
    private final long nodeId;
    private final Clock clock;
    private final Supplier<JGroupsTransport> transport;
    private final SendLanes lanes;
    /** The running folders' tables (their {@code nodes}): replaced whole by a reload. */
    private volatile List<FolderConfig> folders;
    private volatile boolean closed;

    /**
     * @param transport the node's transport (a supplier: it is built after the components that
     *                  send, which it delivers to)
     * @param sent      told the size of every message the wire took
     * @param overflow  told when a lane dropped a message (the member, null for the multicast lane)
     */
    public Outbound(SyncnodeConfig config, long nodeId, Clock clock, Supplier<JGroupsTransport> transport,
                    LongConsumer sent, Consumer<String> overflow) {
        this.config = config;
        this.folders = List.copyOf(config.folders());
        this.nodeId = nodeId;
        this.clock = clock;
        this.transport = transport;
        this.lanes = new SendLanes((member, bytes) -> member == null ? transport.get().multicast(bytes)
                : transport.get().send(member, bytes), sent, overflow);
    }

    @Override
    public boolean send(String member, Message message) {
        return deliver(member, message);
    }

    @Override
    public void multicast(Message message) {
        deliver(null, message);
    }

    @Override
    public long waiting(String member) {
        return lanes.queuedBytes(member);
    }

    /** A reload changed the running folders: messages about them are shared by their new tables from now on. */
    public void folders(List<FolderConfig> running) {
        folders = List.copyOf(running);
    }

    /** The view changed: the lanes of members that left go. */
    public void membersNow(List<String> members) {
        lanes.retainMembers(java.util.Set.copyOf(members));
    }

    @Override
    public void close() {
        closed = true;
        lanes.close();
    }

    /** {@code m} to {@code member} (null: every member) within each folder's sharing. */
    private boolean deliver(String member, Message m) {
        if (closed) {
            return false;
        }
        if (m instanceof Message.Digest d && d.folders().stream().anyMatch(fd -> restricted(fd.folder()))) {
            return deliverDigest(member, d);
        }
        String folder = folderOf(m);
        if (folder != null && restricted(folder)) {
            FolderConfig fc = folderConfig(folder);
            if (member != null) {
                return fc.sharedWith(member) && sendNow(member, m);
            }
            boolean any = false;
            for (String n : others()) {
                if (fc.sharedWith(n)) {
                    any |= sendNow(n, m);
                }
            }
            return any;
        }
        return sendNow(member, m);
    }

    /** A digest cut per member: the folders shared with everyone go by multicast, the others by unicast. */
    private boolean deliverDigest(String member, Message.Digest d) {
        if (member != null) {
            List<Message.FolderDigest> mine = d.folders().stream()
                    .filter(fd -> folderConfig(fd.folder()).sharedWith(member)).toList();
            return !mine.isEmpty() && sendNow(member, new Message.Digest(mine));
        }
        boolean any = false;
        List<Message.FolderDigest> open = d.folders().stream().filter(fd -> !restricted(fd.folder())).toList();
        if (!open.isEmpty()) {
            any = sendNow(null, new Message.Digest(open));
        }
        for (String n : others()) {
            List<Message.FolderDigest> theirs = d.folders().stream()
                    .filter(fd -> restricted(fd.folder()) && folderConfig(fd.folder()).sharedWith(n)).toList();
            if (!theirs.isEmpty()) {
                any |= sendNow(n, new Message.Digest(theirs));
            }
        }
        return any;
    }

    private List<String> others() {
        String self = config.node().name();
        return transport.get().members().stream().filter(n -> !n.equals(self)).toList();
    }

    private boolean restricted(String folder) {
        FolderConfig fc = folderConfig(folder);
        return fc != null && !fc.nodes().isEmpty();
    }

    private FolderConfig folderConfig(String folder) {
        for (FolderConfig fc : folders) {
            if (fc.name().equals(folder)) {
                return fc;
            }
        }
        return null;
    }

    /** The folder a message is about, or null (digests: several; transfer messages: by transfer id). */
    private static String folderOf(Message m) {
        if (m instanceof Message.IndexUpdate u) {
            return u.folder();
        } else if (m instanceof Message.Ack a) {
            return a.folder();
        } else if (m instanceof Message.FetchRequest r) {
            return r.folder();
        } else if (m instanceof Message.IndexQuery q) {
            return q.folder();
        } else if (m instanceof Message.IndexAnswer a && a.refused() == null) {
            // a refusal holds no records and says the same for a folder not shared as for none: it
            // reaches the asker whatever the sharing, so that it need not wait for its timeout
            return a.folder();
        }
        return null;
    }

    /**
     * Queues {@code m} on the lane of {@code member} (null: every member); false when the member is
     * not in the view or the message was dropped. File data waits for room in its lane (its serve
     * thread waits, no other); anything else waits {@link SendLanes#BRIEFLY} at most and is then
     * dropped (the overflow callback schedules the catch-up).
     */
    private boolean sendNow(String member, Message m) {
        if (member != null && !transport.get().members().contains(member)) {
            return false;
        }
        byte[] bytes = WireCodec.encode(nodeId, config.node().name(), clock.millis(), m);
        Duration maxWait = m instanceof Message.FetchData ? null : SendLanes.BRIEFLY;
        try {
            return lanes.offer(member, bytes, m.getClass().getSimpleName(), maxWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
