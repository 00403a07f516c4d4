package io.syncnode.node.cli;

import io.syncnode.config.ConfigException;
import io.syncnode.config.ConfigLoader;
import io.syncnode.config.csync2.Csync2Config;
import io.syncnode.config.csync2.Csync2Exception;
import io.syncnode.config.csync2.Csync2Mapper;
import io.syncnode.config.csync2.Csync2Parser;
import io.syncnode.config.csync2.ImportNote;
import io.syncnode.config.csync2.ImportedConfig;
import io.syncnode.config.csync2.TomlRenderer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code import-csync2 FILE [--host NAME] [--out FILE]}: a syncnode configuration for one host
 * from a csync2 configuration ({@link Csync2Parser}, {@link Csync2Mapper}, {@link TomlRenderer}).
 * The TOML goes to stdout or {@code --out} (never overwritten); every csync2 statement without a
 * syncnode counterpart goes to stderr, one line each with file, line and reason (the output
 * repeats them as comments). Before anything is written the output is loaded with
 * {@link ConfigLoader}, so what this verb writes always loads. Exit 0 when a config was written;
 * 2 when the csync2 file cannot be read or parsed (file, line, reason) or gives this host no
 * folder; 1 when writing fails.
 */
@Command(name = "import-csync2", mixinStandardHelpOptions = true,
        description = {"write a syncnode config from a csync2.cfg",
                "Reads FILE (csync2's syntax, with its config includes and prefixes) and writes the syncnode "
                + "configuration of one host: each group the host is in becomes a [[folder]] per included "
                + "directory, or per directory above included files and wildcards, whose ignore list then admits only "
                + "those (nodes = the group's hosts, excludes as ignore globs, auto as the conflict policy, actions as "
                + "[[folder.action]]), and every host a tcp peer at the address after '@' in its host statement, "
                + "else at its name, port 7800. What has no syncnode counterpart (keys, backups, slave hosts, "
                + "nossl, ...) is listed on stderr with the reason, and as comments in the output. The output "
                + "always loads; check it on its host with `syncnode config check`."})
final class ImportCsync2Command implements Callable<Integer> {
    private final Invocation invocation;

    @Parameters(paramLabel = "FILE", description = "the csync2 configuration, e.g. /etc/csync2.cfg")
    Path file;

    @Option(names = "--host", paramLabel = "NAME",
            description = "the csync2 host name to import for (default: this machine's host name, lower-cased, "
                    + "as csync2 takes it)")
    String host;

    @Option(names = "--out", paramLabel = "FILE",
            description = "write the configuration to FILE (never overwritten) instead of stdout")
    Path out;

    ImportCsync2Command(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() throws IOException {
        PrintStream err = invocation.err();
        String name = (host != null ? host : localHostName()).toLowerCase(Locale.ROOT);
        Csync2Config parsed;
        try {
            parsed = Csync2Parser.parse(file);
        } catch (Csync2Exception e) {
            err.println("syncnode: " + e.getMessage());
            return ExitCode.USAGE;
        }
        ImportedConfig imported = Csync2Mapper.map(parsed, name, ImportCsync2Command::isFile);
        for (ImportNote note : imported.notes()) {
            err.println(note);
        }
        if (imported.folders().isEmpty()) {
            err.println("syncnode: " + file + ": nothing to import for host " + name + ": it is in no group, or no"
                    + " include of its groups could be mapped (see above); name the host with --host NAME");
            return ExitCode.USAGE;
        }
        String text = TomlRenderer.render(imported);
        String problem = loadProblem(text);
        if (problem != null) {
            err.println("syncnode: the imported configuration does not load, please report this: " + problem);
            return ExitCode.ERROR;
        }
        if (out == null) {
            invocation.out().print(text);
        } else {
            try {
                Files.writeString(out, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                err.println("syncnode: " + out + " exists; it is never overwritten: remove it or name another file");
                return ExitCode.USAGE;
            }
            invocation.out().println("wrote " + out + " (node " + imported.nodeName() + ", "
                    + imported.folders().size() + " folder(s))");
        }
        err.println(summary(imported));
        return ExitCode.OK;
    }

    private static String summary(ImportedConfig imported) {
        return imported.notes(ImportNote.Kind.NOT_MAPPED).size() + " not mapped, "
                + imported.notes(ImportNote.Kind.CHANGED).size() + " changed, "
                + imported.notes(ImportNote.Kind.SKIPPED).size() + " skipped; next: make credentials (syncnode "
                + "keygen), then `syncnode config check` on host " + imported.host();
    }

    /**
     * Whether an include names a file (anything but a directory) on this machine: it is then synced
     * through the directory above it. A path that does not exist here counts as a directory.
     */
    private static boolean isFile(String path) {
        try {
            Path p = Path.of(path);
            return Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        } catch (InvalidPathException e) {
            return false; // not a path this machine can have: nothing to look at
        }
    }

    /** Why {@code text} does not load with {@link ConfigLoader}, or null when it does. */
    private static String loadProblem(String text) throws IOException {
        Path tmp = Files.createTempFile("syncnode-import-", ".toml");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            ConfigLoader.load(tmp);
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** This machine's host name as csync2 takes it (gethostname(2)): the kernel's, else Java's. */
    static String localHostName() {
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException e) {
            // not Linux, or no /proc: Java's own lookup below gives the same name there
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell this machine's host name; give it with --host NAME", e);
        }
    }
}
