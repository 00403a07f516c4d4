package io.syncnode.node.cli;

import io.syncnode.node.control.TextTable;
import io.syncnode.node.control.DirtyView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dirty}: the outbox, one line per (folder, path, peer) not yet confirmed. */
@Command(name = "dirty",
        description = "list dirty entries: folder, path, peer, since")
final class DirtyCommand extends NodeCommand {
    @Option(names = "--folder", paramLabel = "F", description = "only this folder")
    String folder;

    @Option(names = "--json", description = "print JSON: [{\"folder\", \"path\", \"peer\", \"since\"}]")
    boolean json;

    DirtyCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        var request = request("dirty");
        if (folder != null) {
            request.put("folder", folder(folder).name());
        }
        var result = ask(request, ANSWER_TIMEOUT);
        if (json) {
            printJson(result);
            return ExitCode.OK;
        }
        TextTable table = new TextTable().left("FOLDER").left("PATH").left("PEER").left("SINCE");
        for (DirtyView entry : read(result, DirtyView[].class)) {
            table.row(entry.folder(), entry.path(), entry.peer(), entry.since());
        }
        if (table.isEmpty()) {
            invocation.out().println("nothing dirty");
        } else {
            table.print(invocation.out(), "", true);
        }
        return ExitCode.OK;
    }
}
