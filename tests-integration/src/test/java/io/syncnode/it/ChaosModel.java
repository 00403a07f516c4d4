package io.syncnode.it;

import io.syncnode.testing.TreeSnapshot;
import static io.syncnode.it.ConflictCopies.fileHash;
import static io.syncnode.it.ConflictCopies.findCopy;
import static io.syncnode.it.ConflictCopies.normalise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@link ChaosIT} expects of the folder, learnt from the operations it runs: each operation's
 * effect is the difference between a {@link TreeSnapshot} of the acting node's folder just before
 * and just after it, restricted to the paths the operation names (the node may apply other
 * nodes' changes meanwhile; those are recorded where they were made). Paths are kept by the path
 * a conflict copy belongs to ({@link ConflictCopies#normalise}).
 *
 * <ul>
 *   <li>{@code live}: per path, the contents some node wrote there that no later operation has
 *   overwritten or deleted <em>on top of them</em> (an operation that found content C at the path and
 *   changed or removed it supersedes C; a write made without having seen C is concurrent with it).
 *   After a convergence each live content must be at its path or in a conflict copy of it: that is
 *   "every node's last write survives unless it was deleted later". A later rename of the path
 *   (or of a parent) may have taken it along: found where the renames lead, it survives too (a
 *   node renames what it holds at that moment; a write still on its way to it may arrive at the
 *   old path or be moved along, and either is right).</li>
 *   <li>{@code written}: every content ever written at each path (renames included): a converged
 *   file with any other content is torn (or invented).</li>
 * </ul>
 * After each check the model is rebased on the converged tree.
 */
final class ChaosModel {
    private final Map<String, Set<String>> live = new TreeMap<>();
    private final Map<String, Set<String>> written = new HashMap<>();
    /**
     * The renames operations made since the last {@link #rebase}, in order ({from, to}). A rename
     * moves what its node held at the source then; a write it had not received yet may still
     * arrive there, or may have been moved along: either place counts as the write surviving.
     */
    private final List<String[]> renames = new ArrayList<>();
    /** Paths changed (content or metadata) since the last {@link #rebase}. */
    private final Set<String> touched = new TreeSet<>();
    int ops;
    int raced;
    long checkedWrites;
    long asCopy;

    /** One random operation of {@code ops} on {@code n}'s folder, recorded; returns what it did. */
    String randomOp(RandomOps ops, NodeProcess n) {
        Path root = n.folder();
        Map<String, String> before = TreeSnapshot.of(root);
        String did;
        Set<String> roots;
        try {
            did = ops.apply(root);
            roots = roots(did);
            String[] t = did.split(" ");
            if (t[0].equals("rename") && t.length >= 5) {
                renames.add(new String[] {normalise(t[2]), normalise(t[4])});
            }
        } catch (IOException | UncheckedIOException e) {
            // the node renamed or removed something under the operation (it applies others' changes)
            did = "raced with the node (" + e + "); its effect taken from the whole tree";
            roots = null;
            raced++;
        }
        record(before, TreeSnapshot.of(root), roots);
        this.ops++;
        return did;
    }

    /** Writes {@code content} to {@code rel} in {@code n}'s folder (a create or overwrite), recorded. */
    void write(NodeProcess n, String rel, byte[] content) throws IOException {
        Path root = n.folder();
        Map<String, String> before = TreeSnapshot.of(root);
        Files.write(root.resolve(rel), content);
        record(before, TreeSnapshot.of(root), Set.of(rel));
        ops++;
    }

    /**
     * The paths an operation of {@link RandomOps} names ("create P (..)", "rename file A -> B",
     * "chmod 644 P", ...); everything under them counts too.
     */
    static Set<String> roots(String did) {
        String[] t = did.split(" ");
        return switch (t[0]) {
            case "rename" -> Set.of(t[2], t[4]);
            case "chmod", "chown" -> Set.of(t[2]);
            default -> Set.of(t[1]);
        };
    }

    private static boolean under(String path, Set<String> roots) {
        for (String r : roots) {
            if (path.equals(r) || path.startsWith(r + "/")) {
                return true;
            }
        }
        return false;
    }

    private void record(Map<String, String> before, Map<String, String> after, Set<String> roots) {
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String p : keys) {
            String b = before.get(p);
            String a = after.get(p);
            if (Objects.equals(a, b) || roots != null && !under(p, roots) || name(p).startsWith(RandomOps.TEMP_PREFIX)) {
                continue;
            }
            String np = normalise(p);
            touched.add(np);
            String hb = fileHash(b);
            String ha = fileHash(a);
            if (Objects.equals(hb, ha)) {
                continue; // metadata only
            }
            if (hb != null) {
                live.getOrDefault(np, new HashSet<>()).remove(hb);
            }
            if (ha != null) {
                live.computeIfAbsent(np, k -> new HashSet<>()).add(ha);
                written.computeIfAbsent(np, k -> new HashSet<>()).add(ha);
            }
        }
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Paths (as {@link ConflictCopies#normalise}d) that operations changed since the last rebase. */
    Set<String> touched() {
        return Set.copyOf(touched);
    }

    /** Live writes missing from {@code tree}: neither at their path nor in a conflict copy of it. */
    List<String> lost(Map<String, String> tree) {
        List<String> lost = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : live.entrySet()) {
            String p = e.getKey();
            for (String h : e.getValue()) {
                checkedWrites++;
                if (h.equals(fileHash(tree.get(p)))) {
                    continue;
                }
                if (findCopy(tree, p, h) != null) {
                    asCopy++;
                    continue;
                }
                if (movedTo(tree, p, h)) {
                    continue;
                }
                lost.add(p + " content " + h + ": at the path now " + tree.get(p) + "; copies: "
                        + ConflictCopies.copiesOf(tree, p));
            }
        }
        return lost;
    }

    /** Whether content {@code h} written at {@code p} is where a later rename of it (or of a parent) took it. */
    private boolean movedTo(Map<String, String> tree, String p, String h) {
        String q = p;
        for (String[] r : renames) {
            if (q.equals(r[0]) || q.startsWith(r[0] + "/")) {
                q = r[1] + q.substring(r[0].length());
                if (h.equals(fileHash(tree.get(q))) || findCopy(tree, q, h) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Files of {@code tree} whose content no operation ever wrote at their path (torn or invented). */
    List<String> torn(Map<String, String> tree) {
        List<String> torn = new ArrayList<>();
        tree.forEach((p, d) -> {
            String h = fileHash(d);
            if (h != null && !name(p).startsWith(RandomOps.TEMP_PREFIX)
                    && !written.getOrDefault(normalise(p), Set.of()).contains(h)) {
                torn.add(p + " = " + d + " (written there: " + written.getOrDefault(normalise(p), Set.of()) + ")");
            }
        });
        return torn;
    }

    /** Entries of {@code tree} named like a node's temp files ({@code .syncnode...}). */
    static List<String> temps(Map<String, String> tree) {
        return tree.keySet().stream().filter(p -> name(p).startsWith(".syncnode")).toList();
    }

    /** After a passed check: what is in the converged {@code tree} is what is live now. */
    void rebase(Map<String, String> tree) {
        live.clear();
        touched.clear();
        renames.clear();
        tree.forEach((p, d) -> {
            String h = fileHash(d);
            if (h != null) {
                live.computeIfAbsent(normalise(p), k -> new HashSet<>()).add(h);
            }
        });
    }

    /** The conflict copies in {@code tree}. */
    static Set<String> copies(Map<String, String> tree) {
        Set<String> out = new TreeSet<>();
        tree.keySet().stream().filter(ConflictCopies::isCopy).forEach(out::add);
        return out;
    }
}
