package io.syncnode.it;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The shape of a silent partition among nodes 1..{@code nodes}: the directed links whose packets
 * are dropped ({@link NetNs#apply}). Any shape is a set of links: a node cut off both ways, two
 * halves, one-way loss, a node cut off from some members but not others, or a random mix.
 *
 * @param name  how the shape is printed, e.g. {@code "n1 isolated"} or {@code "n1->n2 lost"}
 * @param nodes the cluster size the shape is drawn for
 * @param links the dropped directions, sorted
 */
public record Cut(String name, int nodes, Set<Link> links) {
    /** Packets from node {@code from} to node {@code to} (1-based) are dropped. */
    public record Link(int from, int to) implements Comparable<Link> {
        @Override
        public int compareTo(Link o) {
            return from != o.from ? Integer.compare(from, o.from) : Integer.compare(to, o.to);
        }

        @Override
        public String toString() {
            return "n" + from + "->n" + to;
        }
    }

    public Cut {
        links = java.util.Collections.unmodifiableSet(new TreeSet<>(links));
        if (links.isEmpty()) {
            throw new IllegalArgumentException("a cut drops at least one link");
        }
        for (Link l : links) {
            if (l.from() == l.to() || l.from() < 1 || l.to() < 1 || l.from() > nodes || l.to() > nodes) {
                throw new IllegalArgumentException("no link " + l + " among " + nodes + " nodes");
            }
        }
    }

    /** {@code node} cut off from every other node, both ways. */
    public static Cut isolate(int node, int nodes) {
        List<Integer> others = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            if (i != node) {
                others.add(i);
            }
        }
        return halves(List.of(node), others, nodes, "n" + node + " isolated");
    }

    /** Both ways between every node of {@code a} and every node of {@code b}. */
    public static Cut halves(Collection<Integer> a, Collection<Integer> b, int nodes) {
        return halves(a, b, nodes, names(a) + " | " + names(b));
    }

    private static Cut halves(Collection<Integer> a, Collection<Integer> b, int nodes, String name) {
        Set<Link> links = new TreeSet<>();
        for (int x : a) {
            for (int y : b) {
                links.add(new Link(x, y));
                links.add(new Link(y, x));
            }
        }
        return new Cut(name, nodes, links);
    }

    /** Only {@code from}'s packets to {@code to} are lost; {@code to} still reaches {@code from}. */
    public static Cut oneWay(int from, int to, int nodes) {
        return new Cut("n" + from + "->n" + to + " lost", nodes, Set.of(new Link(from, to)));
    }

    /** {@code a} and {@code b} cannot reach each other (both ways); both still reach everyone else. */
    public static Cut pair(int a, int b, int nodes) {
        return new Cut("n" + a + " x n" + b, nodes, Set.of(new Link(a, b), new Link(b, a)));
    }

    /**
     * A random shape: with probability 1/3 a node isolated, 1/6 two random halves, 1/6 one pair
     * cut both ways, else a random non-empty set of directed links (each dropped with probability
     * 1/3), which covers one-way and asymmetric loss.
     */
    public static Cut random(Random r, int nodes) {
        int kind = r.nextInt(6);
        if (kind < 2) {
            return isolate(1 + r.nextInt(nodes), nodes);
        }
        if (kind == 2 && nodes >= 2) {
            List<Integer> all = new ArrayList<>();
            for (int i = 1; i <= nodes; i++) {
                all.add(i);
            }
            java.util.Collections.shuffle(all, r);
            int split = 1 + r.nextInt(nodes - 1);
            return halves(new TreeSet<>(all.subList(0, split)), new TreeSet<>(all.subList(split, nodes)), nodes);
        }
        if (kind == 3) {
            int a = 1 + r.nextInt(nodes);
            int b = 1 + (a + r.nextInt(nodes - 1)) % nodes;
            return pair(Math.min(a, b), Math.max(a, b), nodes);
        }
        Set<Link> links = new TreeSet<>();
        while (links.isEmpty()) {
            for (int i = 1; i <= nodes; i++) {
                for (int j = 1; j <= nodes; j++) {
                    if (i != j && r.nextInt(3) == 0) {
                        links.add(new Link(i, j));
                    }
                }
            }
        }
        return new Cut("lost " + links.stream().map(Link::toString).collect(Collectors.joining(",")), nodes, links);
    }

    /** Nodes that lose at least one direction to some other node. */
    public Set<Integer> affected() {
        Set<Integer> out = new TreeSet<>();
        for (Link l : links) {
            out.add(l.from());
            out.add(l.to());
        }
        return out;
    }

    private static String names(Collection<Integer> side) {
        return new TreeSet<>(side).stream().map(i -> "n" + i).collect(Collectors.joining(",", "{", "}"));
    }

    @Override
    public String toString() {
        return name;
    }
}
