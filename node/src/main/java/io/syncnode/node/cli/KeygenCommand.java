package io.syncnode.node.cli;

import io.syncnode.node.trust.CredentialsException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keygen}: the cluster's credentials, made and inspected offline (no node needs to run):
 * {@code keygen ca}, {@code keygen node}, {@code keygen show}. The verbs never overwrite a file.
 */
@Command(name = "keygen",
        description = {"create and inspect the cluster's credentials (CA, node keys and certificates)",
                "Works offline: no node needs to run. The verbs never overwrite a file."},
        subcommands = {KeygenCaCommand.class, KeygenNodeCommand.class, KeygenShowCommand.class})
final class KeygenCommand implements Callable<Integer> {
    private final Invocation invocation;
    private final Clock clock;

    @Spec
    CommandSpec spec;

    KeygenCommand(Invocation invocation) {
        this(invocation, Clock.systemUTC());
    }

    KeygenCommand(Invocation invocation, Clock clock) {
        this.invocation = invocation;
        this.clock = clock;
    }

    Invocation invocation() {
        return invocation;
    }

    Clock clock() {
        return clock;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing verb: ca, node or show");
    }

    /** A failed keygen verb: one line {@code syncnode: <message>} on stderr; exit 1. */
    int failed(Exception e) {
        invocation.err().println("syncnode: " + describe(e));
        return ExitCode.ERROR;
    }

    /**
     * The operator's line for a failure. A CredentialsException's message is complete; the JDK's
     * file exceptions often carry only the path, so the reason is added.
     */
    static String describe(Exception e) {
        if (e instanceof CredentialsException) {
            return e.getMessage();
        }
        if (e instanceof FileSystemException f && f.getReason() == null && f.getFile() != null
                && f.getOtherFile() == null && f.getFile().equals(f.getMessage())) {
            String reason = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof NotDirectoryException ? "not a directory"
                    : e instanceof FileAlreadyExistsException ? "exists"
                    : e.getClass().getSimpleName();
            return f.getFile() + ": " + reason;
        }
        return CauseChain.describe(e);
    }
}
