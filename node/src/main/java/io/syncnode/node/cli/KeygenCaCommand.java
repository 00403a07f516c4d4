package io.syncnode.node.cli;

import io.syncnode.node.trust.CredentialsException;
import io.syncnode.node.trust.KeyGen;
import io.syncnode.node.trust.KeyGen.CaCreated;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code keygen ca}: creates the cluster's certificate authority ({@link KeyGen#createCa}). */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = {"create the cluster's certificate authority (CA)",
                "Writes DIR/ca.key (its Ed25519 private key, "
                + "PKCS#8 PEM, mode 0600) and DIR/ca.crt (its self-signed certificate, PEM, mode 0644), creating DIR "
                + "with mode 0700 if missing. Never overwrites: if either file exists, nothing is written.",
                "Keep ca.key offline: it is only needed to make node credentials (keygen node)."})
final class KeygenCaCommand implements Callable<Integer> {
    @ParentCommand
    KeygenCommand keygen;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the directory to write the CA into")
    Path out;

    @Option(names = "--days", paramLabel = "N", defaultValue = "7300",
            description = "how long the CA is valid, in days (default: ${DEFAULT-VALUE}, 20 years)")
    int days;

    @Override
    public Integer call() {
        if (days < 1) {
            throw new ParameterException(spec.commandLine(), "--days must be at least 1, not " + days);
        }
        CaCreated created;
        try {
            created = KeyGen.createCa(out, Duration.ofDays(days), keygen.clock());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (IOException | CredentialsException e) {
            return keygen.failed(e);
        }
        PrintStream stdout = keygen.invocation().out();
        stdout.println("wrote " + created.key() + " (CA private key, mode 0600: keep it offline)");
        stdout.println("wrote " + created.certificate() + " (CA certificate, valid for " + days + " days)");
        stdout.println("CA fingerprint: " + created.fingerprint());
        stdout.println("next: syncnode keygen node --ca " + out + " --name NAME --out NODE-DIR for each node");
        return ExitCode.OK;
    }
}
