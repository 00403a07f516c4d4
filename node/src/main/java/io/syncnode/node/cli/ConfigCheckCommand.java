package io.syncnode.node.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncnode.config.ConfigException;
import io.syncnode.config.ConfigLoader;
import io.syncnode.config.ConfigReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code config check [FILE]}: every problem of a configuration file, without a running node: the
 * file's own rules ({@link ConfigLoader#check}, the same as at start) and whether it fits this
 * machine ({@link HostCheck}). One line per problem {@code FILE:LINE: KEY: REASON}, sorted by line,
 * then {@code N problem(s)}, exit 2; or {@code FILE: ok (node NAME, M folder(s))}, exit 0.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"validate a config without a node: every problem, not only the first",
                "Checks FILE (else -c FILE, else $" + ConfigOption.ENV + ", else /etc/syncnode/node.toml) by the rules "
                + "the node applies at start, and what only matters on this machine: folder paths are directories, "
                + "a conflict script is executable, the credentials load and are this node's, the bind address is "
                + "one of this machine's, the state-dir exists or can be made. Run it as the node's user. Prints "
                + "one line per problem (FILE:LINE: KEY: REASON) and a count, exit 2; or \"FILE: ok\", exit 0."})
final class ConfigCheckCommand implements Callable<Integer> {
    @ParentCommand
    ConfigCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configOption;

    @Parameters(paramLabel = "FILE", arity = "0..1",
            description = "the configuration file to check; default: -c FILE, $" + ConfigOption.ENV
                    + ", /etc/syncnode/node.toml")
    Path file;

    @Option(names = "--json", description = "print {\"file\", \"ok\", \"node\", \"folders\", \"problems\": "
            + "[{\"file\", \"line\", \"key\", \"reason\"}]}")
    boolean json;

    private final Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws JsonProcessingException {
        if (file != null && configOption.file != null && !file.equals(configOption.file)) {
            throw new ParameterException(spec.commandLine(), "FILE (" + file + ") and -c (" + configOption.file
                    + ") name different files; give one");
        }
        Invocation invocation = parent.invocation();
        List<ConfigException> problems = new ArrayList<>();
        ConfigReport report = null;
        Path path;
        try {
            path = file != null ? file : configOption.existingPath(invocation.environment()::get);
            report = ConfigLoader.check(path);
            problems.addAll(report.problems());
            problems.addAll(HostCheck.problems(report, clock.instant()));
            problems.sort(Comparator.comparingInt(ConfigException::line)); // stable: same line keeps its order
        } catch (ConfigException e) {
            path = e.file();
            problems.add(e);
        }
        PrintStream out = invocation.out();
        if (json) {
            out.println(NodeCommand.JSON.writeValueAsString(json(path, report, problems)));
        } else if (problems.isEmpty()) {
            out.println(path + ": ok (node " + report.node().name() + ", " + count(report.folders().size(), "folder")
                    + ")");
        } else {
            for (ConfigException p : problems) {
                out.println(p.getMessage());
            }
            out.println(count(problems.size(), "problem"));
        }
        return problems.isEmpty() ? ExitCode.OK : ExitCode.USAGE;
    }

    private static ObjectNode json(Path path, ConfigReport report, List<ConfigException> problems) {
        ObjectNode root = NodeCommand.JSON.createObjectNode();
        root.put("file", path.toString());
        root.put("ok", problems.isEmpty());
        root.put("node", report == null || report.node() == null ? null : report.node().name());
        root.put("folders", report == null ? 0 : report.folders().size());
        ArrayNode list = root.putArray("problems");
        for (ConfigException p : problems) {
            ObjectNode o = list.addObject();
            o.put("file", p.file().toString());
            if (p.line() > 0) {
                o.put("line", p.line());
            } else {
                o.putNull("line");
            }
            o.put("key", p.key());
            o.put("reason", p.reason());
        }
        return root;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
