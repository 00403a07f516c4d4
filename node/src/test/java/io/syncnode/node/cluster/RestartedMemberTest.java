package io.syncnode.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jgroups.View;
import org.jgroups.util.NameCache;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A node killed and started again comes back under a new address while the view may still list
 * the old one: its name means the new address from then on, and the node is told it restarted
 * (its transfers with the old process are over).
 */
class RestartedMemberTest {
    private record Seen(List<String> members, Set<String> restarted) {
    }

    @Test
    void aNameUnderANewAddressIsARestartAndMeansTheNewestAddress() {
        List<Seen> seen = new ArrayList<>();
        JGroupsTransport t = new JGroupsTransport("<config/>", "c", "n2", new JGroupsTransport.Listener() {
            @Override
            public void onMessage(String fromName, byte[] payload) {
            }

            @Override
            public void onView(List<String> members, boolean merge, Set<String> restarted) {
                seen.add(new Seen(members, restarted));
            }
        }, null);
        UUID n2 = named("n2");
        UUID n1 = named("n1");
        UUID n1Again = named("n1");

        t.applyView(View.create(n2, 1, n2, n1));
        assertEquals(new Seen(List.of("n2", "n1"), Set.of()), seen.get(0));

        // the old process is not suspected yet: both addresses are in the view, the name means the new one
        t.applyView(View.create(n2, 2, n2, n1, n1Again));
        assertEquals(new Seen(List.of("n2", "n1"), Set.of("n1")), seen.get(1));

        // the old address leaves: nothing restarted any more
        t.applyView(View.create(n2, 3, n2, n1Again));
        assertEquals(new Seen(List.of("n2", "n1"), Set.of()), seen.get(2));

        // a member that leaves and comes back between two views restarted too
        UUID n1Third = named("n1");
        t.applyView(View.create(n2, 4, n2, n1Third));
        assertEquals(new Seen(List.of("n2", "n1"), Set.of("n1")), seen.get(3));
    }

    private static UUID named(String name) {
        UUID u = UUID.randomUUID();
        NameCache.add(u, name);
        return u;
    }
}
