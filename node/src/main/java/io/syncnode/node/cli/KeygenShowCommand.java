package io.syncnode.node.cli;

import io.syncnode.node.trust.CertificateInfo;
import io.syncnode.node.trust.CredentialsException;
import io.syncnode.node.trust.KeyGen;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code keygen show}: what certificates hold, to find the fingerprint to revoke or to compare
 * with what a peer reports. Reads only; judges nothing but prints "(expired)".
 */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"print certificates' names, fingerprints and validity (to find what to revoke)",
                "Prints for each certificate its subject, fingerprint, issuer fingerprint (or \"self-signed CA\") "
                + "and validity. PATH is a .crt file (a bundle shows every certificate in it) or a credentials "
                + "directory (its node.crt and ca.crt). Writes nothing."})
final class KeygenShowCommand implements Callable<Integer> {
    @ParentCommand
    KeygenCommand keygen;

    @Parameters(paramLabel = "PATH", description = "a PEM certificate file or a directory written by keygen")
    Path path;

    @Override
    public Integer call() {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            for (String name : List.of(KeyGen.NODE_CERTIFICATE, KeyGen.CA_CERTIFICATE)) {
                if (Files.exists(path.resolve(name))) {
                    files.add(path.resolve(name));
                }
            }
            if (files.isEmpty()) {
                return keygen.failed(new CredentialsException(path + " holds neither " + KeyGen.NODE_CERTIFICATE
                        + " nor " + KeyGen.CA_CERTIFICATE + "; give a certificate file or a directory written by keygen"));
            }
        } else {
            files.add(path);
        }
        List<CertificateInfo> infos;
        try {
            infos = CertificateInfo.read(files);
        } catch (CredentialsException e) {
            return keygen.failed(e);
        }
        PrintStream out = keygen.invocation().out();
        Instant now = keygen.clock().instant();
        Path shownFile = null;
        for (CertificateInfo info : infos) {
            if (!info.file().equals(shownFile)) {
                out.println((shownFile == null ? "" : "\n") + info.file() + ":");
                shownFile = info.file();
            } else {
                out.println();
            }
            out.println("  subject:     " + info.subject() + (info.ca() ? " (CA)" : ""));
            out.println("  fingerprint: " + info.fingerprint());
            out.println("  issuer:      " + issuer(info));
            out.println("  not before:  " + info.notBefore());
            out.println("  not after:   " + info.notAfter() + (now.isBefore(info.notAfter()) ? "" : " (expired)"));
        }
        return ExitCode.OK;
    }

    private static String issuer(CertificateInfo info) {
        if (info.selfSigned()) {
            return "self-signed CA";
        }
        if (info.issuer() != null) {
            return info.issuer() + " (" + info.issuerName() + ")";
        }
        return info.issuerName() + " (its certificate is not among the files shown)";
    }
}
