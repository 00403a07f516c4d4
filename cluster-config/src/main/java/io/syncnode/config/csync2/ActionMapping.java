package io.syncnode.config.csync2;

import io.syncnode.config.csync2.Csync2Config.Action;
import io.syncnode.config.csync2.ImportNote.Kind;
import io.syncnode.config.csync2.PathPattern.Placement;
import io.syncnode.config.csync2.PathPattern.Relation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * csync2 {@code action} blocks as {@code [[folder.action]]} tables.
 *
 * <p>Implementation notes. csync2 runs each {@code exec} string through {@code /bin/sh -c}, with
 * {@code %%} replaced by the changed files, once per run, after changes from peers (and, with
 * {@code do-local}, local ones). syncnode runs an argument vector without a shell, debounced, with
 * the changed paths in {@code SYNCNODE_PATHS}. So a command that is an absolute program followed
 * by plain words becomes that vector; any other (a shell construct, a program found through
 * PATH) runs as {@code ["/bin/sh", "-c", COMMAND]}, exactly what csync2 ran; a command with
 * {@code %%} is not mapped, as the file list has no argument form here. Each {@code exec} becomes
 * its own action. A pattern (absolute; csync2 matches it with {@code FNM_LEADING_DIR}) is placed
 * against each folder root like an exclude: below the root it becomes an anchored glob, above
 * or at the root {@code **}; an action without patterns covers every folder of its group.
 */
final class ActionMapping {
    /** Words that need no shell: no quoting, globbing, variables, redirection or command separators. */
    private static final String PLAIN_WORDS = "[A-Za-z0-9_/.,:=+@%-]+(?:[ \\t]+[A-Za-z0-9_/.,:=+@%-]+)*";
    private static final String EVERYTHING = "**";

    private ActionMapping() {
    }

    /**
     * The actions of one folder rooted at {@code root}, from the group's {@code actions};
     * {@code expand} gives a pattern's prefix-expanded form (null: it has none on this host).
     * Notes about an action go to {@code notes} once, for the first folder ({@code first}).
     */
    static List<ImportedConfig.Action> forFolder(List<Action> actions, String root, UnaryOperator<String> expand,
                                                 boolean first, List<ImportNote> notes) {
        List<ImportedConfig.Action> out = new ArrayList<>();
        for (Action a : actions) {
            List<String> pattern = patterns(a, root, expand, first, notes);
            if (first) {
                remarks(a, notes);
            }
            if (pattern.isEmpty()) {
                continue;
            }
            for (String command : a.execs()) {
                List<String> exec = exec(command);
                if (exec.isEmpty()) {
                    if (first) {
                        notes.add(new ImportNote(Kind.NOT_MAPPED, a.where(), "action exec \"" + command + "\"",
                                "%% (the changed files) has no argument form in syncnode: an action finds the"
                                        + " changed paths in $SYNCNODE_PATHS, one per line, relative to the folder;"
                                        + " rewrite the command to read them"));
                    }
                    continue;
                }
                if (first && exec.equals(List.of("/bin/sh", "-c", command.strip()))) {
                    notes.add(new ImportNote(Kind.CHANGED, a.where(), "action exec \"" + command + "\"",
                            "runs as [\"/bin/sh\", \"-c\", ...] as csync2 ran it (syncnode runs no shell of its"
                                    + " own and does no PATH lookup)"));
                }
                out.add(new ImportedConfig.Action(pattern, exec, a.doLocal(), command));
            }
        }
        return out;
    }

    /** Whether some pattern of {@code a} reaches the folder at {@code root}. */
    static boolean reaches(Action a, String root, UnaryOperator<String> expand) {
        return !patterns(a, root, expand, false, new ArrayList<>()).isEmpty();
    }

    /** The globs of {@code a} inside {@code root}: empty when no pattern reaches the folder. */
    private static List<String> patterns(Action a, String root, UnaryOperator<String> expand, boolean first,
                                         List<ImportNote> notes) {
        if (a.patterns().isEmpty()) {
            return List.of(EVERYTHING);
        }
        List<String> out = new ArrayList<>();
        for (String written : a.patterns()) {
            String p = Csync2Parser.stripTrailingSlashes(written);
            String expanded = p.startsWith("%") ? expand.apply(p) : p;
            String problem = expanded == null ? "its prefix has no path on this host"
                    : !expanded.startsWith("/") ? "csync2 matches action patterns against the whole path, so one"
                    + " that does not start with / or a %prefix% matches only with **; write the path" : null;
            Placement place = problem == null ? PathPattern.place(expanded, root) : null;
            if (problem == null && place.relation() == Relation.UNSUPPORTED) {
                problem = "** patterns are not translated (in csync2 every * of such a pattern crosses '/')";
            }
            if (problem != null) {
                if (first) {
                    notes.add(new ImportNote(Kind.NOT_MAPPED, a.where(), "action pattern " + written, problem));
                }
            } else if (place.relation() == Relation.COVERS) {
                return List.of(EVERYTHING);
            } else if (place.relation() == Relation.INSIDE) {
                out.add(place.glob());
            }
        }
        return out;
    }

    private static void remarks(Action a, List<ImportNote> notes) {
        if (a.logfile() != null) {
            notes.add(new ImportNote(Kind.NOT_MAPPED, a.where(), "action logfile \"" + a.logfile() + "\"",
                    "syncnode writes an action's stdout and stderr to its own log, line by line"));
        }
        if (a.doLocalOnly()) {
            notes.add(new ImportNote(Kind.CHANGED, a.where(), "action do-local-only", "becomes do-local = true:"
                    + " the action also runs after changes from peers (syncnode has no local-only action)"));
        }
        if (a.execs().isEmpty()) {
            notes.add(new ImportNote(Kind.NOT_MAPPED, a.where(), "action", "has no exec: nothing to run"));
        }
    }

    /** The argument vector for csync2 command {@code command}; empty when it uses {@code %%}. */
    static List<String> exec(String command) {
        String c = command.strip();
        if (c.contains("%%")) {
            return List.of();
        }
        if (c.matches(PLAIN_WORDS) && c.startsWith("/")) {
            List<String> words = List.of(c.split("[ \\t]+"));
            Path program = Path.of(words.get(0));
            if (program.normalize().equals(program)) {
                return words;
            }
        }
        return List.of("/bin/sh", "-c", c);
    }
}
