package io.syncnode.config.csync2;

import io.syncnode.config.csync2.Csync2Config.Group;
import io.syncnode.config.csync2.Csync2Config.Pattern;
import io.syncnode.config.csync2.Csync2Config.PatternKind;
import io.syncnode.config.csync2.ImportNote.Kind;
import io.syncnode.config.csync2.PathPattern.Relation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The folder roots of one csync2 group: which directories its includes become.
 *
 * <p>Implementation notes. An include of a directory is a root of its own, wholly synced. An
 * include of a file (as the caller's {@code isFile} says; without it every literal include counts
 * as a directory) or with wildcards (from its first wildcard component on) is synced through the
 * directory above it: that root is then not wholly synced, and its {@link Root#allow} list names
 * what is, as anchored globs, which {@link IgnoreMapping} turns into an allow-list of ignore rules.
 * A root inside another root of the group is part of that one; an include that a later
 * {@code exclude} takes back (csync2: the last matching pattern wins) is no root; a root that
 * overlaps a folder of an earlier group is left out, since syncnode folders may not nest.
 * {@code **} includes are left out: csync2 gives them a meaning (every star crosses '/') that a
 * component-wise reading cannot hold.
 */
final class FolderRoots {
    /**
     * One root.
     *
     * @param path  absolute directory
     * @param allow empty when the whole directory is synced; else what is, as globs below the
     *              root ({@code /corosync/authkey}, {@code /*.conf})
     */
    record Root(String path, List<String> allow) {
        Root {
            allow = List.copyOf(allow);
        }
    }

    /** An include: the root it asks for, whether wholly, and the include (prefix expanded). */
    private record Candidate(String root, boolean whole, Pattern include) {
    }

    private FolderRoots() {
    }

    /**
     * The roots of {@code g}; {@code expand} gives a pattern's prefix-expanded form (null: none on
     * this host), {@code earlier} the roots of earlier groups with their folder names; notes go to
     * {@code note} (which keeps one per pattern).
     */
    static List<Root> of(Group g, UnaryOperator<String> expand, Predicate<String> isFile,
                         List<ImportedConfig.Folder> earlier, String host, BiConsumer<Pattern, String> note) {
        List<Pattern> path = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        for (Pattern p : g.patterns()) {
            if (p.kind() == PatternKind.COMPARE) {
                note.accept(p, "compare patterns only serve csync2's compare mode (-o)");
                continue;
            }
            if (!p.isPath()) {
                continue;
            }
            String e = expand.apply(p.text());
            if (e == null) {
                note.accept(p, "its prefix has no path on host " + host + " (no 'on' line matches it)");
                continue;
            }
            Pattern expanded = new Pattern(p.kind(), e, p.where());
            path.add(expanded);
            if (p.kind() != PatternKind.INCLUDE) {
                continue;
            }
            if (e.contains("**")) {
                note.accept(p, "** patterns are not translated (in csync2 every * of such a pattern crosses '/');"
                        + " write an include per directory");
            } else if (PathPattern.isGlob(e)) {
                candidates.add(new Candidate(literalParent(e), false, expanded));
            } else if (isFile.test(e) && !e.equals("/")) {
                candidates.add(new Candidate(parent(e), false, expanded));
            } else {
                candidates.add(new Candidate(e, true, expanded));
            }
        }
        candidates.removeIf(c -> takenBack(c, path, note));
        List<Candidate> written = List.copyOf(candidates);
        candidates.sort(Comparator.comparingInt((Candidate c) -> depth(c.root())).thenComparing(c -> !c.whole()));
        List<Candidate> chosen = new ArrayList<>();
        for (Candidate c : candidates) {
            if (chosen.stream().anyMatch(r -> r.root().equals(c.root()) || Csync2Mapper.within(c.root(), r.root()))) {
                continue; // part of a root of this group
            }
            ImportedConfig.Folder clash = earlier.stream().filter(f -> f.path().equals(c.root())
                    || Csync2Mapper.within(c.root(), f.path()) || Csync2Mapper.within(f.path(), c.root()))
                    .findFirst().orElse(null);
            if (clash != null) {
                note.accept(c.include(), "its folder " + c.root() + " overlaps folder " + clash.name() + " ("
                        + clash.path() + ", group " + clash.group() + "); syncnode folders may not nest: merge the"
                        + " groups by hand");
                continue;
            }
            chosen.add(c);
        }
        List<Root> roots = new ArrayList<>();
        for (Candidate r : chosen) {
            List<String> allow = new ArrayList<>();
            if (!r.whole()) {
                for (Candidate c : written) {
                    PathPattern.Placement place = PathPattern.place(c.include().text(), r.root());
                    if (place.relation() == Relation.INSIDE && !allow.contains(place.glob())) {
                        allow.add(place.glob());
                    }
                }
            }
            roots.add(new Root(r.root(), allow));
        }
        return roots;
    }

    /** Whether a later exclude covers {@code c}'s include (last match wins); says so when it does. */
    private static boolean takenBack(Candidate c, List<Pattern> path, BiConsumer<Pattern, String> note) {
        if (PathPattern.isGlob(c.include().text())) {
            return false; // the excludes are placed below the root by IgnoreMapping
        }
        Pattern last = null;
        for (Pattern p : path) {
            if (PathPattern.place(p.text(), c.include().text()).relation() == Relation.COVERS) {
                last = p;
            }
        }
        if (last == null || last.kind() != PatternKind.EXCLUDE) {
            return false;
        }
        note.accept(c.include(), "excluded again by 'exclude " + last.text() + "' on line " + last.where().line());
        return true;
    }

    private static int depth(String path) {
        return path.equals("/") ? 0 : path.split("/").length - 1;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** The directory above the first component with a wildcard. */
    private static String literalParent(String glob) {
        int wild = glob.length();
        for (char c : new char[] {'*', '?', '['}) {
            int i = glob.indexOf(c);
            if (i >= 0 && i < wild) {
                wild = i;
            }
        }
        return parent(glob.substring(0, wild) + "x"); // "x": the wildcard's component, whatever its literal part
    }
}
