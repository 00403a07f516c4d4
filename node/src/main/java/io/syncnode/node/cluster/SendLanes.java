package io.syncnode.node.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One send lane per destination (each member, and one for multicasts), each with its own thread,
 * so that the threads that decide what to send (folder workers, the fetch and serve pools, the
 * digest timer) never wait on a peer. JGroups flow control (UFC per member, MFC for multicasts)
 * and a peer's full TCP window block only the lane of that destination; the multicast lane waits
 * for the slowest member's credits until a silent member is excluded from the view.
 *
 * <p>A lane holds at most {@link #LANE_BYTES} (one message larger than that fits alone). What does
 * not fit is waited for, as long as the caller says: bulk file data waits until there is room
 * (its serve thread waits, and its transfer has its own credit); announcements, acks and digests
 * wait briefly ({@link #BRIEFLY}: a slow but live peer slows their sender down, as flow control
 * means to) and are then dropped, and from then on dropped at once until the lane has drained to
 * half (a silent peer, until it is excluded from the view, costs the sender nothing). The dirty
 * table and the digest exchange carry what was dropped again: a drop is reported to
 * {@code overflow} with the lane's member (null: the multicast lane) so the node can schedule
 * that catch-up.
 *
 * <p>Order: the messages of one lane leave in the order they were offered. Messages of different
 * lanes have no order between them, as in JGroups (UNICAST3 and NAKACK2 order each its own).
 */
public final class SendLanes implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SendLanes.class.getName());
    /** The most a lane holds; 8 MiB over 16 members and the multicast lane bounds the whole at 136 MiB. */
    public static final long LANE_BYTES = 8L << 20;
    private static final String ALL = "";

    /** Sends {@code bytes} to {@code member} (null: every member); false when it could not be sent. */
    public interface Wire {
        boolean send(String member, byte[] bytes) throws Exception;
    }

    /** How long announcements, acks and digests wait for room in a full lane before they are dropped. */
    public static final Duration BRIEFLY = Duration.ofSeconds(1);

    private final Wire wire;
    private final Consumer<String> overflow;
    private final LongConsumer sent;
    private final long laneBytes;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param sent     told the size of every message the wire took
     * @param overflow told the member (null: the multicast lane) whose lane dropped a message
     */
    public SendLanes(Wire wire, LongConsumer sent, Consumer<String> overflow) {
        this(wire, sent, overflow, LANE_BYTES);
    }

    SendLanes(Wire wire, LongConsumer sent, Consumer<String> overflow, long laneBytes) {
        this.wire = wire;
        this.sent = sent;
        this.overflow = overflow;
        this.laneBytes = laneBytes;
    }

    /**
     * Queues {@code bytes} for {@code member} (null: every member), labelled {@code what} for the
     * log, waiting at most {@code maxWait} for room in a full lane (null: until there is room or
     * the lane stops). Returns false when the message was dropped (no room in time, the lane
     * overflowing, or closed).
     */
    public boolean offer(String member, byte[] bytes, String what, Duration maxWait) throws InterruptedException {
        if (closed) {
            return false;
        }
        String key = member == null ? ALL : member;
        Lane lane = lanes.computeIfAbsent(key, k -> new Lane(member));
        if (lane.offer(new Item(bytes, what), maxWait == null ? -1 : maxWait.toNanos())) {
            return true;
        }
        if (!closed && !lane.stopped()) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warning(() -> "the send lane to " + (member == null ? "the cluster" : member) + " is full ("
                        + (laneBytes >> 20) + " MiB waiting): " + what + " dropped (" + n + " so far); the digest"
                        + " exchange carries it again");
            }
            overflow.accept(member);
        }
        return false;
    }

    /** Stops the lanes of members no longer in the view; what they held goes. */
    public void retainMembers(Set<String> members) {
        lanes.entrySet().removeIf(e -> {
            if (e.getKey().equals(ALL) || members.contains(e.getKey())) {
                return false;
            }
            e.getValue().stop();
            return true;
        });
    }

    /** Messages dropped because their lane was full, since the start. */
    public long dropped() {
        return dropped.get();
    }

    /** Bytes waiting in {@code member}'s lane (null: the multicast lane) now; 0 when it has none. */
    public long queuedBytes(String member) {
        Lane l = lanes.get(member == null ? ALL : member);
        return l == null ? 0 : l.queued();
    }

    /** Bytes waiting in every lane now. */
    public long queuedBytes() {
        long sum = 0;
        for (Lane l : lanes.values()) {
            sum += l.queued();
        }
        return sum;
    }

    @Override
    public void close() {
        closed = true;
        lanes.values().forEach(Lane::stop);
        lanes.clear();
    }

    private record Item(byte[] bytes, String what) {
    }

    /** A queue and the thread that empties it into the wire. */
    private final class Lane implements Runnable {
        private final String member;
        private final ArrayDeque<Item> queue = new ArrayDeque<>();
        private final Thread thread;
        private long bytes;
        private boolean stopped;
        /** Set when a message was dropped; until the lane drains to half, droppable ones drop at once. */
        private boolean overflowing;

        Lane(String member) {
            this.member = member;
            this.thread = new Thread(this, member == null ? "send-all" : "send-" + member);
            thread.setDaemon(true);
            thread.start();
        }

        /** {@code maxWaitNanos} below 0: wait until there is room. */
        synchronized boolean offer(Item item, long maxWaitNanos) throws InterruptedException {
            long deadline = System.nanoTime() + Math.max(0, maxWaitNanos);
            while (!stopped && bytes > 0 && bytes + item.bytes().length > laneBytes) {
                if (maxWaitNanos < 0) {
                    wait();
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (overflowing || left <= 0) {
                    overflowing = true;
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            if (stopped) {
                return false;
            }
            queue.add(item);
            bytes += item.bytes().length;
            notifyAll();
            return true;
        }

        synchronized boolean stopped() {
            return stopped;
        }

        synchronized long queued() {
            return bytes;
        }

        void stop() {
            synchronized (this) {
                stopped = true;
                queue.clear();
                bytes = 0;
                notifyAll();
            }
            thread.interrupt();
        }

        @Override
        public void run() {
            while (true) {
                Item item;
                synchronized (this) {
                    while (queue.isEmpty() && !stopped) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            // stop() interrupts to end a blocked send; the loop checks stopped
                        }
                    }
                    if (stopped) {
                        return;
                    }
                    item = queue.peek();
                }
                send(item);
                synchronized (this) {
                    if (!stopped && queue.peek() == item) {
                        queue.poll();
                        bytes -= item.bytes().length;
                        if (bytes <= laneBytes / 2) {
                            overflowing = false;
                        }
                        notifyAll();
                    }
                }
            }
        }

        private void send(Item item) {
            try {
                if (wire.send(member, item.bytes())) {
                    sent.accept(item.bytes().length);
                }
            } catch (Exception e) {
                if (!closed && !stopped()) {
                    LOG.log(Level.WARNING, "sending " + item.what() + " to " + (member == null ? "the cluster" : member)
                            + " failed; anti-entropy retries it", e);
                }
            }
        }
    }
}
