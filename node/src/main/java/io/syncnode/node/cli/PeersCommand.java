package io.syncnode.node.cli;

import io.syncnode.node.control.TextTable;
import io.syncnode.node.control.PeerView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peers}: the other nodes, whether they are members now, what waits for them, what they run. */
@Command(name = "peers",
        description = "members with address, last seen, dirty count toward each, and the version each runs")
final class PeersCommand extends NodeCommand {
    @Option(names = "--json",
            description = "print JSON: [{\"name\", \"address\", \"member\", \"dirty\", \"lastSeen\", "
                    + "\"clockOffsetMs\", \"version\"}]")
    boolean json;

    PeersCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        var result = ask(request("peers"), ANSWER_TIMEOUT);
        if (json) {
            printJson(result);
            return ExitCode.OK;
        }
        TextTable table = new TextTable().left("NAME").left("ADDRESS").left("MEMBER").right("DIRTY").left("LAST SEEN")
                .left("VERSION");
        for (PeerView peer : read(result, PeerView[].class)) {
            table.row(peer.name(), peer.address(), peer.member() ? "yes" : "no", peer.dirty(), peer.lastSeen(),
                    peer.version() != null ? peer.version() : "-");
        }
        if (table.isEmpty()) {
            invocation.out().println("no peers");
        } else {
            table.print(invocation.out(), "", true);
        }
        return ExitCode.OK;
    }
}
