package io.syncnode.node.cli;

import io.syncnode.node.control.TextTable;
import io.syncnode.node.control.ConflictView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conflicts}: open conflicts with both versions. */
@Command(name = "conflicts",
        description = "list open conflicts with both versions")
final class ConflictsCommand extends NodeCommand {
    @Option(names = "--json", description = "print JSON: [{\"folder\", \"path\", \"local\": {...}, \"remote\": {...}, \"detected\"}]")
    boolean json;

    ConflictsCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        var result = ask(request("conflicts"), ANSWER_TIMEOUT);
        if (json) {
            printJson(result);
            return ExitCode.OK;
        }
        TextTable table = new TextTable().left("FOLDER").left("PATH").left("SIDE").left("NODE").left("MTIME")
                .right("SIZE").left("HASH");
        for (ConflictView c : read(result, ConflictView[].class)) {
            if ("folder".equals(c.scope())) {
                table.row(c.folder(), "(whole folder)", "lost", c.local().node(), c.detected() == null ? "-" : c.detected(),
                        String.valueOf(c.local().size()), "saved in " + c.saved());
                table.row(c.folder(), "(whole folder)", "won", c.remote().node(), "-", "-", "-");
                continue;
            }
            row(table, c, "local", c.local());
            row(table, c, "remote", c.remote());
        }
        if (table.isEmpty()) {
            invocation.out().println("no open conflicts");
        } else {
            table.print(invocation.out(), "", true);
            invocation.out().println("settle one with: syncnode resolve -c FILE PATH --keep local|remote|NODE");
        }
        return ExitCode.OK;
    }

    private static void row(TextTable table, ConflictView c, String side, ConflictView.Side v) {
        table.row(c.folder(), c.path(), side, v.node(), v.deleted() ? "(deleted)" : v.mtime(),
                String.valueOf(v.size()), v.hash() == null ? "-" : v.hash().substring(0, Math.min(12, v.hash().length())));
    }
}
