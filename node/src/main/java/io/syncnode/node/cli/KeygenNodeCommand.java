package io.syncnode.node.cli;

import io.syncnode.node.trust.CredentialsException;
import io.syncnode.node.trust.KeyGen;
import io.syncnode.node.trust.KeyGen.NodeCreated;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code keygen node}: creates one node's credentials, signed by the CA ({@link KeyGen#createNode}). */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"create one node's key and certificate, signed by the CA",
                "Writes DIR/node.key (the node's "
                + "Ed25519 private key, PKCS#8 PEM, mode 0600), DIR/node.crt (its certificate, CN=NAME, PEM, mode "
                + "0644) and DIR/ca.crt (the CA certificates the node trusts: the CA's, then those of --trust; "
                + "mode 0644), creating DIR with mode 0700 if missing. Never overwrites: if any of the three files "
                + "exists, nothing is written.",
                "The certificate never outlasts the CA: its end is cut to the CA's."})
final class KeygenNodeCommand implements Callable<Integer> {
    @ParentCommand
    KeygenCommand keygen;

    @Spec
    CommandSpec spec;

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "the CA directory (keygen ca --out)")
    Path ca;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "the node's name, as [node] name in its configuration ([a-z0-9][a-z0-9-]{0,31})")
    String name;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the directory to write into")
    Path out;

    @Option(names = "--days", paramLabel = "N", defaultValue = "1825",
            description = "how long the certificate is valid, in days (default: ${DEFAULT-VALUE}, 5 years)")
    int days;

    @Option(names = "--trust", paramLabel = "FILE",
            description = "also trust the CA certificates in this PEM file (repeatable; while rotating the CA)")
    List<Path> trust = new ArrayList<>();

    @Override
    public Integer call() {
        if (days < 1) {
            throw new ParameterException(spec.commandLine(), "--days must be at least 1, not " + days);
        }
        Instant now = keygen.clock().instant();
        Duration validity = Duration.ofDays(days);
        NodeCreated created;
        try {
            created = KeyGen.createNode(ca, name, out, validity, trust, Clock.fixed(now, keygen.clock().getZone()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (IOException | CredentialsException e) {
            return keygen.failed(e);
        }
        PrintStream stdout = keygen.invocation().out();
        stdout.println("wrote " + created.key() + " (node private key, mode 0600)");
        stdout.println("wrote " + created.certificate() + " (certificate of \"" + name + "\")");
        stdout.println("wrote " + created.caBundle() + " (the CA certificates this node trusts)");
        stdout.println("node fingerprint: " + created.fingerprint());
        boolean clamped = created.notAfter().isBefore(now.plus(validity).truncatedTo(ChronoUnit.SECONDS));
        stdout.println("valid until " + created.notAfter() + (clamped
                ? " (cut to the CA's own end of validity: a node certificate never outlasts its CA)" : ""));
        stdout.println("next: copy " + out + " to the node and set [cluster] credentials = \"" + out + "\"");
        return ExitCode.OK;
    }
}
