package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncnode.config.ConfigException;
import io.syncnode.config.FolderConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code check}: rescan now and mark what changed dirty. Without paths the whole folder (or every
 * folder) is rescanned. Paths are sent to the node relative to their folder's root. A check never
 * accepts a mass delete: it names the halted folders and exits 1 ({@code accept-deletes} accepts).
 */
@Command(name = "check",
        description = {"rescan now and mark what changed dirty",
                "The rescan is guarded: a folder whose scan finds more than half of its files gone halts instead"
                        + " of propagating the deletes. A halted folder resumes when a check finds the cause gone"
                        + " (files restored); to propagate intended deletes use `syncnode accept-deletes --folder F`."
                        + " Exit 1 when a checked folder is (still) halted, naming it."})
final class CheckCommand extends NodeCommand {
    @Option(names = "--folder", paramLabel = "F", description = "only this folder")
    String folder;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "only these paths: with --folder, relative to the folder's root; without it, "
                    + "file system paths (relative to the current directory) inside a configured folder")
    List<String> paths = new ArrayList<>();

    CheckCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        long changed = 0;
        List<JsonNode> halted = new ArrayList<>();
        for (Map.Entry<String, List<String>> target : targets().entrySet()) {
            var request = request("check");
            if (target.getKey() != null) {
                request.put("folder", target.getKey());
            }
            var array = request.putArray("paths");
            target.getValue().forEach(array::add);
            JsonNode result = ask(request, ANSWER_TIMEOUT);
            changed += result.path("changed").asLong();
            result.path("halted").forEach(halted::add);
        }
        invocation.out().println(changed + (changed == 1 ? " path" : " paths") + " marked dirty");
        for (JsonNode h : halted) {
            invocation.err().println("syncnode: folder " + h.path("folder").asText() + " is halted: "
                    + h.path("reason").asText());
        }
        return halted.isEmpty() ? ExitCode.OK : ExitCode.ERROR;
    }

    /**
     * Folder name (null: all folders) to the paths to check in it, relative to its root; an empty
     * list means the whole folder.
     */
    private Map<String, List<String>> targets() throws ConfigException {
        Map<String, List<String>> targets = new LinkedHashMap<>();
        if (folder != null) {
            FolderConfig only = folder(folder);
            Path root = only.path().toAbsolutePath().normalize();
            List<String> relative = new ArrayList<>();
            for (String path : paths) {
                Path p = Path.of(path);
                Path absolute = p.isAbsolute() ? p.normalize() : root.resolve(p).normalize();
                relative.add(relativeTo(only, root, absolute, path));
            }
            targets.put(only.name(), wholeIfRoot(relative));
            return targets;
        }
        if (paths.isEmpty()) {
            targets.put(null, List.of());
            return targets;
        }
        for (String path : paths) {
            Path absolute = Path.of(path).toAbsolutePath().normalize();
            FolderConfig owner = owner(absolute, path);
            targets.computeIfAbsent(owner.name(), k -> new ArrayList<>())
                    .add(relativeTo(owner, owner.path().toAbsolutePath().normalize(), absolute, path));
        }
        targets.replaceAll((name, relative) -> wholeIfRoot(relative));
        return targets;
    }

    /** The root itself among the paths means the whole folder: no path list. */
    private static List<String> wholeIfRoot(List<String> relative) {
        return relative.contains("") ? List.of() : List.copyOf(relative);
    }
}
