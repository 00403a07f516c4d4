package io.syncnode.node.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code restore [--folder F] PATH (--at TIME | --version ID)}: a kept version goes back into the
 * folder as a local change, a new version that wins on every node.
 */
@Command(name = "restore",
        description = {"bring back a kept version of a file; it becomes a new version that wins everywhere",
                "Writes the kept content (with its mode, owner and mtime) back into the folder as a local change:"
                        + " the node announces it as a new version, which every node takes. What the path holds now"
                        + " is kept as a version in turn. --version ID takes an id from `versions`; --at TIME the"
                        + " content the path had then (ISO-8601 such as 2026-12-06T07:15:00Z, a local"
                        + " 2026-12-06T07:15, or \"2h ago\"). Refused for a paused folder, a folder that keeps no"
                        + " versions, or a file changed here since the last scan."})
final class RestoreCommand extends NodeCommand {
    @Option(names = "--folder", paramLabel = "F", description = "PATH is relative to this folder's root")
    String folder;

    @Parameters(paramLabel = "PATH", description = "the file: a path inside a folder, or relative to --folder")
    String path;

    // its own --help: its --version takes an ID, so picocli drops the inherited -h/-V pair here (syncnode -V
    // still prints the version)
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    // two options checked in call(), not an exclusive ArgGroup: with one, picocli refuses --help without PATH
    @Option(names = "--version", paramLabel = "ID", description = "the kept version to bring back (see `versions`)")
    String id;

    @Option(names = "--at", paramLabel = "TIME", description = "bring back what the path held at TIME")
    String at;

    RestoreCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() throws Exception {
        if ((id == null) == (at == null)) {
            throw new ParameterException(spec.commandLine(), "restore needs exactly one of --version ID and --at TIME");
        }
        Target t = target(folder, path);
        var request = request("restore").put("folder", t.folder().name()).put("path", t.path());
        if (id != null) {
            request.put("version", id);
        } else {
            Instant when = parseTime(at, Clock.systemDefaultZone());
            if (when == null) {
                throw new ParameterException(spec.commandLine(), "--at '" + at + "' is not a time; write"
                        + " 2026-12-06T07:15:00Z, 2026-12-06T07:15 (local time) or \"2h ago\"");
            }
            request.put("atMs", when.toEpochMilli());
        }
        var result = ask(request, ResumeCommand.WAIT);
        invocation.out().println("restored " + result.path("path").asText() + " in " + result.path("folder").asText()
                + " from version " + result.path("version").asText() + "; it becomes a new version on every node");
        return ExitCode.OK;
    }

    /** {@code text} as an instant: ISO-8601 with offset, a local date-time, or "DURATION ago"; null if none. */
    static Instant parseTime(String text, Clock clock) {
        String s = text.strip();
        if (s.endsWith(" ago")) {
            Duration d = DurationConverter.parse(s.substring(0, s.length() - 4).strip());
            return d == null ? null : clock.instant().minus(d);
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset: a local time then
        }
        try {
            return LocalDateTime.parse(s.replace(' ', 'T')).atZone(ZoneId.of(clock.getZone().getId())).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
