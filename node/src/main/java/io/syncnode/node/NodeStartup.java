package io.syncnode.node;

import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.seal.SealCounters;
import io.syncnode.node.seal.SealEngine;
import io.syncnode.node.trust.ClusterTrust;
import io.syncnode.node.trust.CredentialsException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Logger;

/** What a node takes before it starts: its state dir's lock, its seal layer, its threads' names. */
final class NodeStartup {
    private static final Logger LOG = Logger.getLogger(SyncNode.class.getName());

    private NodeStartup() {
    }

    /**
     * The seal layer of a cluster with credentials, or null (loopback without credentials, or
     * {@code insecure = true}, which is logged as a warning at every start).
     */
    static SealEngine seal(SyncnodeConfig config, Clock clock, Duration rotateKeysEvery) throws CredentialsException {
        if (!config.cluster().secured()) {
            if (config.cluster().insecure()) {
                LOG.warning("[cluster] insecure = true: this node runs WITHOUT admission and encryption; any host that"
                        + " reaches " + config.cluster().bind() + " can join, read every file and write any file;"
                        + " set [cluster] credentials (see `syncnode keygen --help`)");
            } else {
                LOG.info(() -> "no [cluster] credentials: running without admission and encryption, bound to the"
                        + " loopback address " + config.cluster().bind().host());
            }
            return null;
        }
        ClusterTrust trust = ClusterTrust.load(config.cluster(), config.node().name(), clock.instant());
        LOG.info(() -> "credentials of " + trust.credentials().nodeName() + " (" + trust.credentials().certificate()
                .fingerprint() + "), trusting CA " + trust.credentials().anchors().fingerprints()
                + (trust.revoked().entries().isEmpty() ? "" : ", revoked " + trust.revoked().entries()));
        SealEngine engine = new SealEngine(trust.credentials(), trust.revoked(), clock, System::nanoTime,
                new SecureRandom(), new SealCounters(), rotateKeysEvery.toNanos());
        engine.warmUp(trust.credentials());
        return engine;
    }

    /** One node per state dir: a second process on the same index would corrupt the cluster's view of it. */
    static FileChannel lockStateDir(Path stateDir) throws IOException {
        FileChannel ch = FileChannel.open(stateDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("state dir " + stateDir + " is in use by another syncnode process;"
                    + " stop it first, or give this node its own state-dir");
        }
        return ch;
    }

    /**
     * The node's timer thread ({@code scheduler-1}). A cancelled task leaves its queue at once
     * instead of staying there until its time, waking the thread for nothing and holding what it
     * refers to (a transfer, a batch) until then.
     */
    static java.util.concurrent.ScheduledThreadPoolExecutor scheduler() {
        java.util.concurrent.ScheduledThreadPoolExecutor s = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                daemon("scheduler"));
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    /** Daemon threads named {@code name-1}, {@code name-2}... (the names of CONCURRENCY.md). */
    static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
