package io.syncnode.node.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code resolve}: settles one open conflict; the chosen version wins everywhere. */
@Command(name = "resolve",
        description = "settle a conflict; the result wins everywhere")
final class ResolveCommand extends NodeCommand {
    @Option(names = "--folder", paramLabel = "F",
            description = "the folder; PATH is then relative to its root")
    String folder;

    @Option(names = "--keep", required = true, paramLabel = "local|remote|NODE",
            description = "which version wins: this node's, the other one's, or the one made by NODE")
    String keep;

    @Parameters(paramLabel = "PATH", description = "the conflicting path (a file system path inside a folder,"
            + " or relative to --folder's root)")
    String path;

    ResolveCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        Target t = target(folder, path);
        var request = request("resolve");
        request.put("folder", t.folder().name());
        request.putArray("paths").add(t.path());
        request.put("keep", keep);
        ask(request, java.time.Duration.ofMinutes(10));
        invocation.out().println("resolved " + t.folder().name() + ":" + t.path() + " (kept " + keep + ")");
        return ExitCode.OK;
    }
}
