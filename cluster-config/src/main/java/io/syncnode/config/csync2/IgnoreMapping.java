package io.syncnode.config.csync2;

import io.syncnode.config.csync2.Csync2Config.Group;
import io.syncnode.config.csync2.Csync2Config.Pattern;
import io.syncnode.config.csync2.Csync2Config.PatternKind;
import io.syncnode.config.csync2.ImportNote.Kind;
import io.syncnode.config.csync2.PathPattern.Placement;
import io.syncnode.config.csync2.PathPattern.Relation;
import io.syncnode.protocol.IgnoreMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A csync2 group's include and exclude patterns as the {@code ignore} list of one folder root.
 *
 * <p>Implementation notes. csync2 admits a file when the last matching path pattern is an
 * include and the last matching base-name pattern is not an exclude (base names are admitted by
 * default); both pattern kinds prune directories, as syncnode's ignore globs do. The list is
 * therefore: for a root that is not itself included, the allow-list of what is
 * ({@link #allowRules}); then the base-name rules in order ({@code X} or {@code !X}, unanchored:
 * they match a name at any depth); then the path excludes below the root as anchored globs. A
 * path include below the root is already admitted unless an earlier exclude covers it; then it
 * would be a re-include below an ignored directory, which the ignore syntax (like gitignore)
 * cannot express: it is listed instead. (A base-name re-include can also re-admit a path the
 * allow-list left out; csync2 configs rarely combine the two.)
 */
final class IgnoreMapping {
    private IgnoreMapping() {
    }

    /**
     * The ignore globs for the folder at {@code root}, admitting only {@code allow} when that is
     * not empty ({@link FolderRoots.Root#allow}); {@code expand} gives a pattern's
     * prefix-expanded form (null: none on this host; the caller has noted it). Notes about
     * base-name patterns are made for the first root only ({@code first}).
     */
    static List<String> ignore(Group g, String root, List<String> allow, UnaryOperator<String> expand,
                               boolean first, List<ImportNote> notes) {
        List<String> out = new ArrayList<>(allowRules(allow));
        boolean excluded = false;
        for (Pattern p : g.patterns()) {
            if (p.isPath() || p.kind() == PatternKind.COMPARE) {
                continue;
            }
            if (p.text().contains("/")) {
                if (first) {
                    notes.add(new ImportNote(Kind.NOT_MAPPED, p.where(), p.toString(), "csync2 matches a pattern"
                            + " that does not start with / or %prefix% against the base name only, so with a '/'"
                            + " it never matches; left out"));
                }
                continue;
            }
            String glob = p.text().startsWith("!") ? "\\" + p.text() : p.text();
            if (p.kind() == PatternKind.EXCLUDE) {
                excluded |= add(out, glob, p, first, notes);
            } else if (excluded) { // a re-include before any exclude changes nothing
                add(out, "!" + glob, p, first, notes);
            }
        }
        List<String> pathExcludes = new ArrayList<>();
        for (Pattern p : g.patterns()) {
            String expanded = p.isPath() && p.kind() != PatternKind.COMPARE ? expand.apply(p.text()) : null;
            if (expanded == null) {
                continue;
            }
            Placement place = PathPattern.place(expanded, root);
            if (place.relation() == Relation.UNSUPPORTED) {
                if (first) {
                    notes.add(new ImportNote(Kind.NOT_MAPPED, p.where(), p.toString(), "** patterns are not"
                            + " translated (in csync2 every * of such a pattern crosses '/'); add an ignore glob by"
                            + " hand"));
                }
            } else if (place.relation() == Relation.INSIDE && p.kind() == PatternKind.EXCLUDE) {
                if (add(out, place.glob(), p, true, notes)) {
                    pathExcludes.add(place.glob());
                }
            } else if (place.relation() == Relation.INSIDE && reIncludes(pathExcludes, place.glob())) {
                notes.add(new ImportNote(Kind.NOT_MAPPED, p.where(), p.toString(), "lies below a directory an"
                        + " earlier exclude ignores, and an ignore list cannot take back part of an ignored"
                        + " directory; narrow that exclude by hand"));
            }
        }
        return out;
    }

    /**
     * Ignore rules that admit only {@code allow} (anchored globs below the root) and everything
     * below each: per directory on the way, {@code /dir/*} then {@code !/dir/child} for each child
     * on the way (a path is decided by the rules of its own directory level, the last match
     * winning). An entry below another entry is dropped: the upper one admits it already.
     */
    static List<String> allowRules(List<String> allow) {
        List<List<String>> entries = allow.stream().map(a -> List.of(a.substring(1).split("/"))).toList();
        Map<String, Set<String>> children = new LinkedHashMap<>();
        for (List<String> e : entries) {
            if (entries.stream().anyMatch(o -> o != e && below(e, o))) {
                continue;
            }
            for (int k = 0; k < e.size(); k++) {
                String dir = k == 0 ? "" : "/" + String.join("/", e.subList(0, k));
                children.computeIfAbsent(dir, d -> new LinkedHashSet<>()).add(dir + "/" + e.get(k));
            }
        }
        List<String> rules = new ArrayList<>();
        children.forEach((dir, admitted) -> {
            rules.add(dir + "/*");
            admitted.forEach(a -> rules.add("!" + a));
        });
        return rules;
    }

    /** Whether entry {@code e} lies below (or is) what entry {@code o} admits, and {@code o} is shorter or listed first. */
    private static boolean below(List<String> e, List<String> o) {
        if (o.size() > e.size() || o.size() == e.size() && o.equals(e)) {
            return false;
        }
        for (int i = 0; i < o.size(); i++) {
            if (!o.get(i).equals(e.get(i)) && !PathPattern.componentMatches(o.get(i), e.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether including {@code glob} would undo part of {@code excludes}. */
    private static boolean reIncludes(List<String> excludes, String glob) {
        if (excludes.isEmpty()) {
            return false;
        }
        if (PathPattern.isGlob(glob)) {
            return true; // cannot tell which paths it names: say so rather than guess
        }
        return IgnoreMatcher.compile(excludes).ignored(glob.substring(1), true);
    }

    /** Adds {@code glob} when syncnode's ignore syntax accepts it; else notes why. */
    private static boolean add(List<String> out, String glob, Pattern p, boolean note, List<ImportNote> notes) {
        try {
            IgnoreMatcher.compile(List.of(glob));
        } catch (IllegalArgumentException e) {
            if (note) {
                notes.add(new ImportNote(Kind.NOT_MAPPED, p.where(), p.toString(), "not a valid ignore glob as "
                        + glob + ": " + e.getMessage()));
            }
            return false;
        }
        out.add(glob); // kept even when written twice: the order of ! rules counts
        return true;
    }
}
