package io.syncnode.node.cli;

import io.syncnode.node.control.TextTable;
import io.syncnode.node.control.VersionsView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code versions [--folder F] PATH}: the kept versions of a replaced or deleted file, newest first. */
@Command(name = "versions",
        description = {"list the kept versions of a replaced or deleted file",
                "A folder with versions = \"trash\", \"simple\" or \"staggered\" keeps a file that a remote"
                        + " change (or a restore) replaces or deletes under <state-dir>/versions/FOLDER. One line"
                        + " per kept version, newest first: its id (for `restore --version`), when it was kept,"
                        + " its size, mtime, mode and owner, and the node whose change replaced or deleted it."})
final class VersionsCommand extends NodeCommand {
    @Option(names = "--folder", paramLabel = "F", description = "PATH is relative to this folder's root")
    String folder;

    @Parameters(paramLabel = "PATH", description = "the file: a path inside a folder, or relative to --folder")
    String path;

    @Option(names = "--json", description = "print JSON: {\"folder\", \"path\", \"versions\": [{\"id\", \"keptAt\","
            + " \"size\", \"mtime\", \"mode\", \"uid\", \"gid\", \"hash\", \"replacedBy\", \"deleted\"}]}")
    boolean json;

    VersionsCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        Target t = target(folder, path);
        var result = ask(request("versions").put("folder", t.folder().name()).put("path", t.path()), ANSWER_TIMEOUT);
        if (json) {
            printJson(result);
            return ExitCode.OK;
        }
        VersionsView view = read(result, VersionsView.class);
        if (view.versions().isEmpty()) {
            invocation.out().println("no kept versions of " + view.path() + " in " + view.folder());
            return ExitCode.OK;
        }
        TextTable table = new TextTable().left("ID").left("KEPT").right("SIZE").left("MTIME").left("MODE")
                .left("OWNER").left("BY");
        for (VersionsView.Entry e : view.versions()) {
            String by = (e.deleted() ? "deleted by " : "replaced by ") + (e.replacedBy() == null ? "?" : e.replacedBy());
            table.row(e.id(), e.keptAt(), Long.toString(e.size()), e.mtime(), e.mode(), e.uid() + ":" + e.gid(), by);
        }
        table.print(invocation.out(), "", true);
        return ExitCode.OK;
    }
}
