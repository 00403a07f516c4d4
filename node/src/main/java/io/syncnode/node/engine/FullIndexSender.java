package io.syncnode.node.engine;

import io.syncnode.node.index.StoredFile;
import io.syncnode.node.wire.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The folder's whole index sent to a member whose digest differs (PROTOCOL.md 5.4 step 1), page by
 * page, paced by the member's acknowledgements.
 *
 * <p>Implementation notes.
 * <ul>
 * <li><b>Paging.</b> The index is read {@value #PAGE_ROWS} rows at a time in path order after the
 *     last path sent (keyset paging on the primary key: each page is one short read, whatever the
 *     folder's size), and each page is one task on the folder's worker, the next one queued behind
 *     whatever else the worker has to do: no list of the whole index, and no worker busy for
 *     minutes. A page that carries inline content (a new replica) also ends after
 *     {@value #PAGE_INLINE_BYTES} bytes of it. Each page reads the index as it is then, so records
 *     changed meanwhile go in their newest version (or were announced already).</li>
 * <li><b>Pacing.</b> The receiver acknowledges every record it takes or already holds (5.2), after
 *     its commit. At most {@value #WINDOW_PAGES} pages are out whose records are not all
 *     acknowledged yet (counting the member's acknowledgement entries): the sender never gets ahead
 *     of what the receiver has committed by more than that, so neither the send lane nor the
 *     receiver's inbox holds the exchange. A member that stops acknowledging (its folder halted or
 *     paused, records it keeps) gets the next page once nothing moved for
 *     {@link #STALL}, checked at its acknowledgements and at the 30 s offers of stale dirty records;
 *     after {@link #GIVE_UP} without any progress the exchange ends (the next digest starts
 *     another).</li>
 * <li><b>Room.</b> A page goes only when the member's send lane holds less than
 *     {@link #LANE_ROOM} bytes; else it is tried again {@link #ROOM_RETRY} later (a task on the
 *     worker, from the node's scheduler). The lane is shared with the file data the member
 *     fetches from this node: a page offered to a full lane would wait there (the worker with it)
 *     and then be dropped, ending the exchange, and the exchange the member's next digest starts
 *     carries no inline content any more (issue 13: a new replica then fetched most of its small
 *     files one by one).</li>
 * <li><b>One per member.</b> A digest that differs again while an exchange to the member runs
 *     leaves it running (it reads the current index as it goes), unless it stalled. A page the
 *     transport does not take (the member is not in the view, its lane is full) ends the exchange:
 *     the member's next digest starts another.</li>
 * </ul>
 *
 * <p>Confined to the folder's worker thread.
 */
final class FullIndexSender {
    private static final Logger LOG = Logger.getLogger(FullIndexSender.class.getName());
    static final int PAGE_ROWS = 1000;
    static final int PAGE_INLINE_BYTES = 1 << 20;
    static final int WINDOW_PAGES = 6;
    static final Duration STALL = Duration.ofSeconds(5);
    static final Duration GIVE_UP = Duration.ofMinutes(2);
    /** A page goes when the member's lane holds less than this (half of it): room for the page and the rest. */
    static final long LANE_ROOM = io.syncnode.node.cluster.SendLanes.LANE_BYTES / 2;
    static final Duration ROOM_RETRY = Duration.ofMillis(50);

    /** Runs a task on the folder's worker after a delay. */
    interface Later {
        void run(Duration delay, Runnable task);
    }

    /** One exchange under way. */
    private static final class Exchange {
        final String member;
        final boolean inline;
        final Instant started;
        String after = "";
        long sent;
        long acked;
        /** Per page out, the number of records sent up to its end; leaves when acknowledged. */
        final ArrayDeque<Long> pageEnds = new ArrayDeque<>();
        Instant moved;
        boolean queued;

        Exchange(String member, boolean inline, Instant now) {
            this.member = member;
            this.inline = inline;
            this.started = now;
            this.moved = now;
        }
    }

    private final FolderContext folder;
    /** The content of a small file to go inline, or null (see {@link DigestResponder#currentContent}). */
    private final Function<StoredFile, byte[]> content;
    private final Later later;
    private final Map<String, Exchange> running = new HashMap<>();

    FullIndexSender(FolderContext folder, Function<StoredFile, byte[]> content, Later later) {
        this.folder = folder;
        this.content = content;
        this.later = later;
    }

    /** Starts sending {@code member} the whole index ({@code inline}: small files' content too). */
    void start(String member, boolean inline) {
        Instant now = folder.clock().instant();
        Exchange ex = running.get(member);
        if (ex != null && !stalled(ex, now)) {
            return;
        }
        ex = new Exchange(member, inline, now);
        running.put(member, ex);
        queue(ex);
    }

    /** {@code member} acknowledged {@code entries} records: its exchange may go on. */
    void acknowledged(String member, int entries) {
        Exchange ex = running.get(member);
        if (ex == null || entries == 0) {
            return;
        }
        ex.acked += entries;
        ex.moved = folder.clock().instant();
        while (!ex.pageEnds.isEmpty() && ex.pageEnds.peekFirst() <= ex.acked) {
            ex.pageEnds.pollFirst();
        }
        if (ex.pageEnds.size() < WINDOW_PAGES) {
            queue(ex);
        }
    }

    /** From time to time: exchanges that stalled go on; those without progress for long end. */
    void tick() {
        Instant now = folder.clock().instant();
        running.values().removeIf(ex -> {
            if (!ex.moved.plus(GIVE_UP).isAfter(now)) {
                LOG.info(() -> folder.name() + ": gave up sending the index to " + ex.member + " after " + ex.sent
                        + " records: no acknowledgement for " + GIVE_UP.toMinutes() + " min (the next digest"
                        + " exchange starts again)");
                return true;
            }
            if (stalled(ex, now)) {
                // the oldest page out is taken as lost or kept by the member: one more page goes
                Long oldest = ex.pageEnds.pollFirst();
                if (oldest != null) {
                    ex.acked = Math.max(ex.acked, oldest);
                }
                queue(ex);
            }
            return false;
        });
    }

    /** Number of exchanges under way (for tests). */
    int running() {
        return running.size();
    }

    private boolean stalled(Exchange ex, Instant now) {
        return !ex.moved.plus(STALL).isAfter(now);
    }

    private void queue(Exchange ex) {
        if (!ex.queued) {
            ex.queued = true;
            folder.worker().execute(folder.guard("sending the index to " + ex.member, () -> sendNext(ex)));
        }
    }

    /** Sends the next page of {@code ex} if its window allows, and queues the one after. */
    private void sendNext(Exchange ex) {
        ex.queued = false;
        if (running.get(ex.member) != ex) {
            return; // ended or replaced
        }
        if (folder.worker().paused()) {
            running.remove(ex.member); // the resume exchanges digests again
            return;
        }
        if (ex.pageEnds.size() >= WINDOW_PAGES) {
            return; // the member's acknowledgements (or the tick) queue the next page
        }
        if (folder.buffer().waiting(ex.member) >= LANE_ROOM) {
            ex.queued = true; // tried again soon; acknowledgements meanwhile queue nothing more
            later.run(ROOM_RETRY, folder.guard("sending the index to " + ex.member, () -> sendNext(ex)));
            return;
        }
        List<StoredFile> rows = folder.store().page(folder.name(), ex.after, PAGE_ROWS);
        List<Message.Announced> page = new ArrayList<>(rows.size());
        String after = ex.after;
        long inlineBytes = 0;
        for (StoredFile f : rows) {
            byte[] bytes = ex.inline ? content.apply(f) : null;
            page.add(new Message.Announced(f.record(), bytes));
            after = f.record().path();
            if (bytes != null && (inlineBytes += bytes.length) >= PAGE_INLINE_BYTES) {
                break;
            }
        }
        boolean last = rows.size() < PAGE_ROWS && page.size() == rows.size();
        if (!folder.buffer().sendPage(ex.member, page, last)) {
            // the member is not in the view (yet: digests come at a merge before the view settles)
            // or its lane dropped the page: the exchange ends, and the member's next digest (its
            // greeting, the view change, the 2-minute timer) starts another at once
            running.remove(ex.member);
            LOG.fine(() -> folder.name() + ": index to " + ex.member + " not taken after " + ex.sent
                    + " records; it goes again at the member's next digest");
            return;
        }
        ex.after = after;
        ex.sent += page.size();
        ex.pageEnds.addLast(ex.sent);
        ex.moved = folder.clock().instant();
        if (last) {
            running.remove(ex.member);
            LOG.fine(() -> folder.name() + ": sent the index to " + ex.member + ": " + ex.sent + " records in "
                    + Duration.between(ex.started, ex.moved).toMillis() + " ms");
        } else if (ex.pageEnds.size() < WINDOW_PAGES) {
            queue(ex);
        }
    }
}
