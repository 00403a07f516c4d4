package io.syncnode.node.cluster;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.protocols.BasicTCP;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.stack.ProtocolStack;

/**
 * The parts of ours that make every partition heal, put into a channel's stack before it
 * connects, each only where its neighbours are (so the in-JVM loopback stack gets what applies to
 * it): {@link StaleMergeGuard} below GMS, {@link UnsuspectRelay} between FD_ALL3 and
 * VERIFY_SUSPECT2, and on the TCP transport {@link TcpLinkWatch} as its socket factory, swept
 * every second on the transport's timer once connected. Each class says what it fixes and what
 * was measured.
 */
final class HealingParts {
    private static final Logger LOG = Logger.getLogger(HealingParts.class.getName());

    private final TcpLinkWatch linkWatch = new TcpLinkWatch(System::nanoTime, TcpLinkWatch.STALL);
    private final Consumer<Address> heardAgain;
    private volatile Future<?> linkSweep;

    /** @param heardAgain told (on a JGroups thread) of a member heard again after a silence */
    HealingParts(Consumer<Address> heardAgain) {
        this.heardAgain = heardAgain;
    }

    /** Before connect: the TCP transport creates its server and sockets when it starts. */
    void insertInto(JChannel ch) throws Exception {
        ProtocolStack stack = ch.getProtocolStack();
        GMS gms = stack.findProtocol(GMS.class);
        if (gms != null) {
            stack.insertProtocol(new StaleMergeGuard(gms.getId()), ProtocolStack.Position.BELOW, GMS.class);
        }
        VERIFY_SUSPECT2 verify = stack.findProtocol(VERIFY_SUSPECT2.class);
        if (stack.findProtocol(FD_ALL3.class) != null && verify != null) {
            stack.insertProtocol(new UnsuspectRelay(verify, heardAgain::accept), ProtocolStack.Position.ABOVE,
                    FD_ALL3.class);
        }
        if (stack.getTransport() instanceof BasicTCP) {
            stack.getTransport().setSocketFactory(linkWatch);
        }
    }

    /** After connect: the TCP connections are checked every second. */
    void connected(JChannel ch) {
        if (ch.getProtocolStack().getTransport() instanceof BasicTCP tcp) {
            linkSweep = tcp.getTimer().scheduleWithFixedDelay(this::sweepLinks, 1000, 1000, TimeUnit.MILLISECONDS,
                    false);
        }
    }

    void stop() {
        Future<?> sweep = linkSweep;
        if (sweep != null) {
            sweep.cancel(false);
        }
    }

    TcpLinkWatch linkWatch() {
        return linkWatch;
    }

    private void sweepLinks() {
        try {
            linkWatch.sweep();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "checking the TCP connections failed; the next sweep (in 1 s) tries again", e);
        }
    }
}
