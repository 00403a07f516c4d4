package io.syncnode.node.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Build tool, not a verb: writes the bash completion script of {@code syncnode} (picocli's
 * {@link AutoComplete}, from the same command model {@link Main} runs) to the file named by its
 * one argument. The Debian package build runs it on the shaded jar, so the completion always
 * matches the verbs and options of the jar it ships with.
 */
public final class CompletionScript {
    private CompletionScript() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp syncnode.jar " + CompletionScript.class.getName() + " OUTPUT");
            System.exit(ExitCode.USAGE);
        }
        Files.writeString(Path.of(args[0]), script(), StandardCharsets.UTF_8);
    }

    /** The completion script for the command line {@link Main} builds. */
    static String script() {
        return AutoComplete.bash("syncnode", Main.commandLine(Invocation.standard(System.out, System.err)));
    }
}
