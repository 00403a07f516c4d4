package io.syncnode.node.cluster;

import java.time.Instant;
import java.util.List;

/**
 * The JGroups view a node is in, as {@code status} shows it.
 *
 * @param id          the view id, e.g. {@code [n1|7]} (its coordinator and counter); null before the join
 * @param coordinator the name of the view's coordinator, or null when not admitted here (yet)
 * @param members     the names of the members (those admitted here)
 * @param lastMerge   when this node last installed a merged view (a partition healed), or null
 * @param merges      how many merged views this node installed since it started
 */
public record ClusterView(String id, String coordinator, List<String> members, Instant lastMerge, long merges) {
    public ClusterView {
        members = List.copyOf(members);
    }
}
