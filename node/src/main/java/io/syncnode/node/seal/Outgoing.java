package io.syncnode.node.seal;

/** A packet the seal layer wants sent: to every member it may reach, or to one session. */
public record Outgoing(Target target, byte[] packet) {

    /** Where an outgoing packet goes. */
    public sealed interface Target {
    }

    /**
     * Every node this one might reach before it knows the members: the multicast group (udp, the
     * in-JVM loopback) or every configured peer address (tcp).
     */
    public record Everyone() implements Target {
    }

    /** One session, by its JGroups address; {@code physical} is where it said it listens. */
    public record ToSession(long addressMsb, long addressLsb, byte[] physical) implements Target {
    }
}
