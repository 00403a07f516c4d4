package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncnode.config.ConfigException;
import io.syncnode.node.control.ContentDiffView;
import io.syncnode.node.control.DiffView;
import io.syncnode.node.control.PeerView;
import io.syncnode.node.control.TextTable;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.UnifiedDiff;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code diff}: where this node's index and a peer's differ (csync2 {@code -T}), one line per path
 * and peer; {@code --content PATH} prints a unified diff of one text file (csync2 {@code -TT}).
 * Exit 0 when identical, {@link ExitCode#DIFFERENT} when not, 1 when a peer could not be asked.
 */
@Command(name = "diff",
        description = {"where this node and NODE (default: every member) differ; --content PATH for a text diff",
                "Compares this node's index with each peer's (not the disks: what each last scanned or applied),"
                        + " path by path: missing here, missing there, type, content, symlink target, device, mode,"
                        + " owner, mtime, xattrs, hard link. Deleted entries count as missing; deleted on both sides"
                        + " is no difference. The first argument is NODE when it names a known peer (write a path"
                        + " of that name as ./NAME). Exit 0 when identical, 5 when something differs, 1 when a"
                        + " peer could not be asked."})
final class DiffCommand extends NodeCommand {
    /** How long the CLI waits for the node, which waits at most 10 min for its peers. */
    private static final Duration WAIT = Duration.ofMinutes(11);
    private static final java.util.regex.Pattern NODE_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** Lines of context around each change of a {@code --content} diff. */
    private static final int CONTEXT = 3;

    @Option(names = "--folder", paramLabel = "F", description = "only this folder; PATHs are relative to its root")
    String folder;

    @Option(names = "--content", paramLabel = "PATH",
            description = "print a unified diff of this text file (at most 64 KiB) between this node and NODE")
    String content;

    @Option(names = "--json", description = "print JSON: {\"node\", \"compared\": [{\"folder\", \"peer\", \"here\","
            + " \"there\"}], \"differences\": [{\"folder\", \"path\", \"peer\", \"kinds\", \"here\", \"there\"}]}")
    boolean json;

    @Parameters(paramLabel = "[NODE] PATH", arity = "0..*",
            description = "NODE, then paths to compare (each with everything below it): with --folder, relative"
                    + " to the folder's root; without it, file system paths inside a configured folder")
    List<String> args = new ArrayList<>();

    DiffCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        List<String> paths = new ArrayList<>(args);
        String node = null;
        if (!paths.isEmpty() && paths.get(0).indexOf('/') < 0 && knownPeer(paths.get(0))) {
            node = paths.remove(0);
        }
        if (node == null && folder == null && !paths.isEmpty() && NODE_NAME.matcher(paths.get(0)).matches()) {
            try {
                target(null, paths.get(0));
            } catch (ParameterException e) {
                throw new ParameterException(spec.commandLine(), "'" + paths.get(0) + "' is neither a known peer"
                        + " (see `syncnode peers`) nor a path inside a configured folder");
            }
        }
        return content != null ? content(node, paths) : indexes(node, paths);
    }

    private boolean knownPeer(String name) throws ConfigException, IOException {
        for (PeerView p : read(ask(request("peers"), ANSWER_TIMEOUT), PeerView[].class)) {
            if (p.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private int indexes(String node, List<String> paths) throws ConfigException, IOException {
        Map<String, List<String>> targets = new LinkedHashMap<>();
        if (paths.isEmpty()) {
            targets.put(folder == null ? null : folder(folder).name(), List.of());
        }
        for (String path : paths) {
            Target t = target(folder, path);
            targets.computeIfAbsent(t.folder().name(), k -> new ArrayList<>()).add(t.path());
        }
        ObjectNode merged = JSON.createObjectNode();
        ArrayNode compared = JSON.createArrayNode();
        ArrayNode differences = JSON.createArrayNode();
        for (Map.Entry<String, List<String>> target : targets.entrySet()) {
            ObjectNode request = request("diff");
            if (target.getKey() != null) {
                request.put("folder", target.getKey());
            }
            if (node != null) {
                request.put("peer", node);
            }
            ArrayNode array = request.putArray("paths");
            target.getValue().stream().map(p -> p.isEmpty() ? "." : p).forEach(array::add);
            JsonNode result = ask(request, WAIT);
            merged.set("node", result.path("node"));
            compared.addAll((ArrayNode) result.withArray("compared"));
            differences.addAll((ArrayNode) result.withArray("differences"));
        }
        merged.set("compared", compared);
        merged.set("differences", differences);
        DiffView view = read(merged, DiffView.class);
        if (!paths.isEmpty() && view.compared().stream().allMatch(c -> c.here() == 0 && c.there() == 0)) {
            invocation.err().println("syncnode: note: no entry at " + String.join(", ", paths) + " on any side"
                    + " (a misspelt NODE? the known peers are in `syncnode peers`)");
        }
        if (json) {
            printJson(merged);
        } else {
            print(view);
        }
        return view.differences().isEmpty() ? ExitCode.OK : ExitCode.DIFFERENT;
    }

    private void print(DiffView view) {
        PrintStream out = invocation.out();
        if (view.differences().isEmpty()) {
            for (DiffView.Compared c : view.compared()) {
                out.println("identical: " + c.folder() + " on " + view.node() + " and " + c.peer() + " (" + c.here()
                        + (c.here() == 1 ? " entry)" : " entries)"));
            }
            return;
        }
        TextTable table = new TextTable().left("FOLDER").left("PATH").left("NODE").left("DIFFERS");
        for (DiffView.Difference d : view.differences()) {
            table.row(d.folder(), d.path(), d.peer(), differs(d));
        }
        table.print(out, "", true);
        for (DiffView.Compared c : view.compared()) {
            long n = view.differences().stream()
                    .filter(d -> d.folder().equals(c.folder()) && d.peer().equals(c.peer())).count();
            out.println(c.folder() + ": " + n + (n == 1 ? " path differs" : " paths differ") + " between "
                    + view.node() + " (" + c.here() + " entries) and " + c.peer() + " (" + c.there() + " entries)");
        }
    }

    /** What differs, with the values where they are short: "mode 0644 here, 0600 there; mtime". */
    static String differs(DiffView.Difference d) {
        List<String> parts = new ArrayList<>();
        for (String kind : d.kinds()) {
            DiffView.Side h = d.here();
            DiffView.Side t = d.there();
            parts.add(switch (kind) {
                case "missing-here" -> "missing here";
                case "missing-there" -> "missing there";
                case "type" -> "type " + h.type() + " here, " + t.type() + " there";
                case "content" -> h.size() == t.size() ? "content"
                        : "content (" + h.size() + " bytes here, " + t.size() + " there)";
                case "mode" -> "mode " + h.mode() + " here, " + t.mode() + " there";
                case "owner" -> "owner " + h.uid() + ":" + h.gid() + " here, " + t.uid() + ":" + t.gid() + " there";
                case "device" -> "device " + rdev(h.rdev()) + " here, " + rdev(t.rdev()) + " there";
                case "hard-link" -> "hard link";
                default -> kind;
            });
        }
        return String.join("; ", parts);
    }

    private static String rdev(long rdev) {
        // glibc's encoding: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31
        long major = (rdev >>> 8) & 0xfff | (rdev >>> 32) & ~0xfffL;
        long minor = rdev & 0xff | (rdev >>> 12) & ~0xffL;
        return major + ":" + minor;
    }

    private int content(String node, List<String> paths) throws ConfigException, IOException {
        if (!paths.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--content takes one PATH; give NODE (a known peer)"
                    + " before it, and no other paths (got: " + String.join(" ", args) + ")");
        }
        Target t = target(folder, content);
        if (t.path().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--content needs a file, not the root of folder "
                    + t.folder().name());
        }
        ObjectNode request = request("diff-content").put("folder", t.folder().name());
        if (node != null) {
            request.put("peer", node);
        }
        request.putArray("paths").add(t.path());
        JsonNode result = ask(request, WAIT);
        ContentDiffView[] views = read(result, ContentDiffView[].class);
        if (json) {
            printJson(result);
        }
        String self = config().node().name();
        boolean differ = false;
        for (ContentDiffView v : views) {
            if (Objects.equals(v.here(), v.there())) {
                continue;
            }
            differ = true;
            if (!json) {
                printUnified(self, v);
            }
        }
        return differ ? ExitCode.DIFFERENT : ExitCode.OK;
    }

    private void printUnified(String self, ContentDiffView v) {
        PrintStream out = invocation.out();
        String name = v.folder() + "/" + NameCodec.display(v.path());
        out.println("--- " + self + ":" + name + (v.here() == null ? " (missing)" : ""));
        out.println("+++ " + NameCodec.display(v.peer()) + ":" + name + (v.there() == null ? " (missing)" : ""));
        for (String line : UnifiedDiff.hunks(v.here() == null ? "" : v.here(), v.there() == null ? "" : v.there(),
                CONTEXT)) {
            out.println(printable(line));
        }
    }

    /** A line of file text for the terminal: control characters and undecodable bytes as \xNN, tabs kept. */
    static String printable(String line) {
        String[] parts = line.split("\t", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = NameCodec.display(parts[i]);
        }
        return String.join("\t", parts);
    }
}
