package io.syncnode.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncnode.node.control.StatusView;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Not a verb: what the launcher runs once to make the CLI's class-data archive
 * ({@code scripts/launch-jar}: {@code -XX:ArchiveClassesAtExit}). It loads the classes a CLI call
 * uses, whichever verb comes first: every verb's model and help, a configuration read from a file,
 * a verb that finds no node, {@code config check}, a status answer read and printed, and
 * {@code status}'s quick path ({@link QuickStatus}). Writes
 * only to a temp directory it removes; prints nothing.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("syncnode-cds-");
        try {
            Path data = Files.createDirectories(dir.resolve("data"));
            Path toml = Files.writeString(dir.resolve("node.toml"), """
                    [node]
                    name = "cds"
                    state-dir = "%s"
                    [cluster]
                    name = "cds"
                    bind = "127.0.0.1:7800"
                    [[folder]]
                    name = "data"
                    path = "%s"
                    """.formatted(dir.resolve("state"), data));
            PrintStream none = new PrintStream(OutputStream.nullOutputStream(), true);
            Main.execute(new String[] {"--help"}, none, none);
            for (String verb : Main.VERBS.keySet()) {
                Main.execute(new String[] {verb, "--help"}, none, none);
            }
            Main.execute(new String[] {"status", "-c", toml.toString()}, none, none);
            Main.execute(new String[] {"config", "check", toml.toString()}, none, none);
            StatusView status = new StatusView("cds", List.of("cds"), List.of(new StatusView.FolderStatus("data",
                    data.toString(), 1, 0, 0, 0, "idle", null, null, null)),
                    new StatusView.Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), null, null);
            ObjectMapper json = NodeCommand.JSON;
            StatusView read = json.readValue(json.writeValueAsString(status), StatusView.class);
            none.println(io.syncnode.node.control.StatusText.render(read));
            // status's quick path: the config line, the socket (no node here), an answer as the node renders it
            QuickStatus.run(new String[] {"status", "-c", toml.toString()}, System::getenv, none);
            QuickStatus.parse("{\"ok\":true,\"result\":{\"output\":\"health: ok\\n\",\"exit\":0}}");
        } finally {
            deleteTree(dir);
        }
    }

    /** Removes {@code dir} and everything under it (a training run's temp directory). */
    static void deleteTree(Path dir) throws java.io.IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
