package io.syncnode.node.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Read-only connections for the reading threads. A reader takes an idle connection or, when none
 * is idle, opens one: it never waits for another reader or for the writer (WAL lets readers run
 * beside the write transaction), and a nested read (a get() from inside forEach()) cannot
 * deadlock. At most {@code maxIdle} connections are kept idle; extra ones are closed on return.
 * Each connection caches its prepared statements; a connection is used by one thread at a time.
 */
final class ReaderPool implements AutoCloseable {

    /** Opens a configured read-only connection. */
    interface Opener {
        Connection open() throws SQLException;
    }

    /** A JDBC step that may throw {@link SQLException}. */
    @FunctionalInterface
    interface SqlFunction<A, R> {
        R apply(A arg) throws SQLException;
    }

    /** A read-only connection with its prepared-statement cache. */
    static final class ReadConnection {
        final Connection connection;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        ReadConnection(Connection connection) {
            this.connection = connection;
        }

        /** A cached statement: bind, execute, close its ResultSet before the connection goes back. */
        PreparedStatement prepared(String sql) throws SQLException {
            PreparedStatement st = statements.get(sql);
            if (st == null) {
                st = connection.prepareStatement(sql);
                statements.put(sql, st);
            }
            return st;
        }

        void close() throws SQLException {
            connection.close(); // closes its statements too
        }
    }

    private final Opener opener;
    private final int maxIdle;
    private final String subject;
    private final ConcurrentLinkedDeque<ReadConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final Set<ReadConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    ReaderPool(Opener opener, int maxIdle, String subject) {
        this.opener = opener;
        this.maxIdle = maxIdle;
        this.subject = subject;
    }

    ReadConnection acquire() {
        if (closed) {
            throw new IndexException("read", subject, "the index is closed");
        }
        ReadConnection c = idle.pollFirst();
        if (c != null) {
            idleCount.decrementAndGet();
            return c;
        }
        try {
            c = new ReadConnection(opener.open());
        } catch (SQLException e) {
            throw new IndexException("open read connection", subject, e);
        }
        open.add(c);
        if (closed) {
            discard(c);
            throw new IndexException("read", subject, "the index is closed");
        }
        return c;
    }

    void release(ReadConnection c) {
        if (!closed && idleCount.incrementAndGet() <= maxIdle) {
            idle.offerFirst(c);
            if (closed && idle.remove(c)) {
                discard(c);
            }
            return;
        }
        if (!closed) {
            idleCount.decrementAndGet();
        }
        discard(c);
    }

    /**
     * Runs {@code query} on a connection of the pool and gives the connection back; an
     * {@link SQLException} becomes an {@link IndexException} naming {@code step} and {@code what}.
     */
    <T> T read(String step, String what, SqlFunction<ReadConnection, T> query) {
        ReadConnection c = acquire();
        try {
            return query.apply(c);
        } catch (SQLException e) {
            throw new IndexException(step, what, e);
        } finally {
            release(c);
        }
    }

    /**
     * Frees what the idle connections' page caches hold ({@code PRAGMA shrink_memory}), for a node
     * at rest; connections in use keep theirs. A connection that fails it is closed.
     */
    void releaseMemory() {
        java.util.List<ReadConnection> taken = new java.util.ArrayList<>();
        for (ReadConnection c; (c = idle.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            taken.add(c);
        }
        for (ReadConnection c : taken) {
            try (java.sql.Statement st = c.connection.createStatement()) {
                st.execute("PRAGMA shrink_memory");
            } catch (SQLException e) {
                discard(c);
                continue;
            }
            release(c);
        }
    }

    /** Number of connections currently open (idle or in use); for tests and status. */
    int openConnections() {
        return open.size();
    }

    /** Closes every connection, including ones still in use (their reads fail). Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (ReadConnection c : open) {
            discard(c);
        }
        idle.clear();
    }

    private void discard(ReadConnection c) {
        if (open.remove(c)) {
            try {
                c.close();
            } catch (SQLException e) {
                // Nothing to lose: a read-only connection holds no uncommitted data.
                System.getLogger(ReaderPool.class.getName()).log(System.Logger.Level.WARNING,
                        "closing a read connection of " + subject + " failed; ignored (read-only)", e);
            }
        }
    }
}
