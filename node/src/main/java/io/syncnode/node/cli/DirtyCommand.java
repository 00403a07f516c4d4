package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.syncnode.node.control.DirtyView;
import io.syncnode.node.control.TextTable;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code dirty}: the outbox, one line per (folder, path, peer) not yet confirmed, a page at a time:
 * the node reads one page of the index per request (keyset on folder and path), so a node with a
 * million dirty entries answers as fast as one with ten.
 */
@Command(name = "dirty",
        description = "list dirty entries: folder, path, peer, since; a page of --limit entries at a time, then "
                + "the count of the rest and the --after position of the next page")
final class DirtyCommand extends NodeCommand {
    /** Entries per page when --limit is not given (the text table), and per request of a whole JSON list. */
    static final int DEFAULT_LIMIT = 1000;

    @Option(names = "--folder", paramLabel = "F", description = "only this folder")
    String folder;

    @Option(names = "--limit", paramLabel = "N", description = "entries per page (default " + DEFAULT_LIMIT
            + "; 0: all); a path's entries toward every peer stay on one page")
    Integer limit;

    @Option(names = "--after", paramLabel = "FOLDER/PATH",
            description = "start after this path: the position the previous page printed")
    String after;

    @Option(names = "--json", description = "print JSON: [{\"folder\", \"path\", \"peer\", \"since\"}], every entry;"
            + " with --limit or --after one page: {\"entries\": [...], \"total\", \"more\", \"next\"}")
    boolean json;

    DirtyCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        checkOptions();
        if (json && limit == null && after == null) {
            return printEveryEntry();
        }
        JsonNode result = pageOf(ask(page(after, limit == null ? DEFAULT_LIMIT : limit), ANSWER_TIMEOUT));
        if (json) {
            printJson(result);
            return ExitCode.OK;
        }
        DirtyView.Page page = read(result, DirtyView.Page.class);
        TextTable table = new TextTable().left("FOLDER").left("PATH").left("PEER").left("SINCE");
        for (DirtyView entry : page.entries()) {
            table.row(entry.folder(), entry.path(), entry.peer(), entry.since());
        }
        if (table.isEmpty()) {
            invocation.out().println(page.total() == 0 ? "nothing dirty" : "nothing dirty after " + after);
        } else {
            table.print(invocation.out(), "", true);
        }
        if (page.next() != null) {
            invocation.out().println(String.format(Locale.ROOT, "... %,d more (%,d in all); next page: --after %s",
                    page.more(), page.total(), shellQuoted(page.next())));
        }
        return ExitCode.OK;
    }

    /** {@code --json} alone: the first shape, one array of every entry, asked for a page at a time. */
    private Integer printEveryEntry() throws Exception {
        ArrayNode all = JSON.createArrayNode();
        String from = null;
        do {
            JsonNode result = pageOf(ask(page(from, DEFAULT_LIMIT), ANSWER_TIMEOUT));
            all.addAll((ArrayNode) result.path("entries"));
            from = result.path("next").isTextual() ? result.path("next").asText() : null;
        } while (from != null);
        printJson(all);
        return ExitCode.OK;
    }

    /**
     * The answer as a page: a node started before paging (the package upgraded, the daemon not yet
     * restarted) answers every entry as an array, which is one last page.
     */
    static JsonNode pageOf(JsonNode answer) {
        if (!answer.isArray()) {
            return answer;
        }
        var page = JSON.createObjectNode();
        page.set("entries", answer);
        return page.put("total", answer.size()).put("more", 0).putNull("next");
    }

    private com.fasterxml.jackson.databind.node.ObjectNode page(String from, int size) throws Exception {
        var request = request("dirty").put("limit", size);
        if (folder != null) {
            request.put("folder", folder(folder).name());
        }
        if (from != null) {
            request.put("after", from);
        }
        return request;
    }

    private void checkOptions() {
        if (limit != null && limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must be 0 (all) or more, not " + limit);
        }
        if (after != null) {
            int slash = after.indexOf('/');
            if (slash <= 0 || slash == after.length() - 1) {
                throw new ParameterException(spec.commandLine(), "--after '" + after + "' is not a position "
                        + "FOLDER/PATH; give the one the previous page printed");
            }
            if (folder != null && !after.substring(0, slash).equals(folder)) {
                throw new ParameterException(spec.commandLine(), "--after '" + after + "' is not in --folder "
                        + folder + "; give a position FOLDER/PATH of that folder");
            }
        }
    }

    /** {@code text} in single quotes for a shell, with each quote written as '\''. */
    static String shellQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
