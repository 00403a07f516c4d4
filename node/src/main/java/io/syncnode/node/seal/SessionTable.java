package io.syncnode.node.seal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions this node holds, by session id, by JGroups address and by node name (one current
 * session per name). Reads are lock-free; {@link #add} and {@link #remove} are called under the
 * handshake's lock.
 */
final class SessionTable {
    static final int MAX_SESSIONS = 256;

    private final Map<Long, PeerSession> byId = new ConcurrentHashMap<>();
    private final Map<AddressKey, PeerSession> byAddress = new ConcurrentHashMap<>();
    private final Map<String, PeerSession> byName = new ConcurrentHashMap<>();

    private record AddressKey(long msb, long lsb) {
    }

    PeerSession byId(long session) {
        return byId.get(session);
    }

    PeerSession byAddress(long msb, long lsb) {
        return byAddress.get(new AddressKey(msb, lsb));
    }

    /** The current session of node {@code name}, or null. */
    PeerSession byName(String name) {
        return byName.get(name);
    }

    void add(PeerSession s) {
        byId.put(s.session, s);
        byAddress.put(new AddressKey(s.addressMsb, s.addressLsb), s);
        byName.put(s.name, s);
    }

    void remove(PeerSession s) {
        byId.remove(s.session, s);
        byAddress.remove(new AddressKey(s.addressMsb, s.addressLsb), s);
        byName.remove(s.name, s);
    }

    int size() {
        return byId.size();
    }

    Collection<PeerSession> all() {
        return List.copyOf(byId.values());
    }
}
