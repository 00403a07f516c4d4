package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.cli.TestConfigs.Run;
import io.syncnode.node.trust.Fingerprint;
import io.syncnode.node.trust.TrustAnchors;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeygenCommandTest {
    private static final Pattern FINGERPRINT = Pattern.compile("sha256:[0-9a-f]{64}");

    @TempDir
    Path dir;

    private static Invocation invocation(PrintStream out, PrintStream err) {
        return new Invocation(out, err, file -> {
            throw new AssertionError("keygen reads no configuration");
        }, config -> {
            throw new AssertionError("keygen starts no node");
        }, action -> {
        });
    }

    private static Run run(String... args) {
        return TestConfigs.run(KeygenCommandTest::invocation, args);
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** The DER of the first PEM certificate in {@code file}. */
    private static byte[] der(Path file) throws Exception {
        String text = Files.readString(file);
        String body = text.substring(text.indexOf("-----\n") + 6, text.indexOf("-----END"));
        return Base64.getMimeDecoder().decode(body);
    }

    private Path ca() {
        Path ca = dir.resolve("ca");
        Run run = run("keygen", "ca", "--out", ca.toString());
        assertEquals(0, run.code(), run.err());
        return ca;
    }

    @Test
    void caWritesPrivateFilesAndPrintsTheFingerprint() throws Exception {
        Path ca = dir.resolve("cluster/ca");
        Run run = run("keygen", "ca", "--out", ca.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("", run.err());
        assertEquals("rw-------", mode(ca.resolve("ca.key")));
        assertEquals("rwx------", mode(ca));
        assertEquals("rwx------", mode(dir.resolve("cluster")));
        assertTrue(run.out().contains("CA fingerprint: " + Fingerprint.of(der(ca.resolve("ca.crt"))) + "\n"), run.out());
        assertTrue(run.out().contains(ca.resolve("ca.key").toString()), run.out());
        assertTrue(run.out().contains(ca.resolve("ca.crt").toString()), run.out());
        assertTrue(run.out().contains("next: syncnode keygen node --ca " + ca + " --name NAME --out NODE-DIR for each node"),
                run.out());
    }

    @Test
    void nodeWritesItsCredentialsAndSaysWhatToDoNext() throws Exception {
        Path ca = ca();
        Path out = dir.resolve("alpha");
        Run run = run("keygen", "node", "--ca", ca.toString(), "--name", "alpha", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("rw-------", mode(out.resolve("node.key")));
        assertEquals("rwx------", mode(out));
        assertTrue(run.out().contains("node fingerprint: " + Fingerprint.of(der(out.resolve("node.crt"))) + "\n"),
                run.out());
        assertTrue(run.out().contains("valid until "), run.out());
        assertFalse(run.out().contains("cut to the CA's"), run.out());
        assertTrue(run.out().contains("next: copy " + out + " to the node and set [cluster] credentials = \"" + out + "\""),
                run.out());
    }

    @Test
    void nodeSaysWhenItsValidityWasCutToTheCas() throws Exception {
        Path ca = dir.resolve("ca");
        assertEquals(0, run("keygen", "ca", "--out", ca.toString(), "--days", "30").code());
        Run run = run("keygen", "node", "--ca", ca.toString(), "--name", "alpha", "--out", dir.resolve("a").toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("cut to the CA's own end of validity"), run.out());
    }

    @Test
    void trustBundlesTheOtherCas() throws Exception {
        Path ca = ca();
        Path next = dir.resolve("next");
        assertEquals(0, run("keygen", "ca", "--out", next.toString()).code());
        Path out = dir.resolve("alpha");
        Run run = run("keygen", "node", "--ca", ca.toString(), "--name", "alpha", "--out", out.toString(),
                "--trust", next.resolve("ca.crt").toString(), "--trust", ca.resolve("ca.crt").toString());
        assertEquals(0, run.code(), run.err());
        assertEquals(List.of(Fingerprint.of(der(ca.resolve("ca.crt"))), Fingerprint.of(der(next.resolve("ca.crt")))),
                TrustAnchors.load(out.resolve("ca.crt")).fingerprints());
    }

    @Test
    void refusesToOverwriteAndLeavesTheOldFilesAlone() throws Exception {
        Path ca = ca();
        byte[] key = Files.readAllBytes(ca.resolve("ca.key"));
        byte[] certificate = Files.readAllBytes(ca.resolve("ca.crt"));
        Run again = run("keygen", "ca", "--out", ca.toString());
        assertEquals(1, again.code());
        assertEquals("syncnode: " + ca.resolve("ca.key") + " exists; keygen never overwrites credentials: choose "
                + "another --out or move the old ones away\n", again.err());
        assertEquals("", again.out());
        assertTrue(java.util.Arrays.equals(key, Files.readAllBytes(ca.resolve("ca.key"))));
        assertTrue(java.util.Arrays.equals(certificate, Files.readAllBytes(ca.resolve("ca.crt"))));

        Path out = dir.resolve("alpha");
        Files.createDirectories(out);
        Files.writeString(out.resolve("ca.crt"), "old bundle\n");
        Run node = run("keygen", "node", "--ca", ca.toString(), "--name", "alpha", "--out", out.toString());
        assertEquals(1, node.code());
        assertTrue(node.err().startsWith("syncnode: " + out.resolve("ca.crt") + " exists; keygen never overwrites"),
                node.err());
        assertEquals("old bundle\n", Files.readString(out.resolve("ca.crt")));
        assertFalse(Files.exists(out.resolve("node.key")));
        assertFalse(Files.exists(out.resolve("node.crt")));
    }

    @ParameterizedTest(name = "{0}: exit 2, {1}")
    @CsvSource(delimiter = '|', value = {
            "node --name Alpha                         | node name \"Alpha\" must match [a-z0-9][a-z0-9-]{0,31}",
            "node --name alpha_1                       | node name \"alpha_1\" must match",
            "node --name alpha --days 0                | --days must be at least 1, not 0",
            "node --name alpha --days x                | Invalid value for option '--days'",
            "node --name alpha --days 5000000          | ends after the year 9999",
    })
    void usageErrorsOfNode(String args, String reason) throws Exception {
        Path ca = ca();
        String[] words = ("keygen " + args + " --ca " + ca + " --out " + dir.resolve("n")).split(" ");
        Run run = run(words);
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().startsWith("syncnode: ") && run.err().contains(reason), run.err());
        assertTrue(run.err().contains("Usage: syncnode keygen node"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(dir.resolve("n")));
    }

    @ParameterizedTest(name = "{0}: exit 2")
    @CsvSource(delimiter = '|', value = {
            "keygen                     | missing verb: ca, node or show",
            "keygen ca                  | Missing required option: '--out=DIR'",
            "keygen ca --out x --days 0 | --days must be at least 1, not 0",
            "keygen node --out x        | Missing required options: '--ca=DIR', '--name=NAME'",
            "keygen show                | Missing required parameter: 'PATH'",
    })
    void otherUsageErrors(String args, String reason) {
        Run run = run(args.split(" "));
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().startsWith("syncnode: " + reason), run.err());
        assertTrue(run.err().contains("Usage: syncnode " + args.split(" --")[0].replace(" x", "")), run.err());
    }

    @Test
    void aBrokenCaDirectoryIsAnErrorNotAStackTrace() {
        Run run = run("keygen", "node", "--ca", dir.resolve("nowhere").toString(), "--name", "alpha", "--out",
                dir.resolve("a").toString());
        assertEquals(1, run.code());
        assertEquals("syncnode: " + dir.resolve("nowhere") + " is not a directory; --ca must name a directory made "
                + "by `syncnode keygen ca`\n", run.err());
    }

    @ParameterizedTest(name = "keygen {0} --help")
    @CsvSource(delimiter = '|', value = {
            "''   | create and inspect the cluster's credentials",
            "ca   | DIR/ca.key (its Ed25519 private key, PKCS#8 PEM, mode 0600)",
            "node | DIR/node.key (the node's Ed25519 private key, PKCS#8 PEM, mode 0600)",
            "show | Writes nothing.",
    })
    void helpOnEveryVerb(String verb, String description) {
        Run run = verb.isEmpty() ? run("keygen", "--help") : run("keygen", verb, "--help");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().replaceAll("\\s+", " ").contains(description), run.out());
    }

    @Test
    void showPrintsTheFingerprints() throws Exception {
        Path ca = ca();
        Path out = dir.resolve("alpha");
        assertEquals(0, run("keygen", "node", "--ca", ca.toString(), "--name", "alpha", "--out", out.toString()).code());
        Fingerprint node = Fingerprint.of(der(out.resolve("node.crt")));
        Fingerprint authority = Fingerprint.of(der(ca.resolve("ca.crt")));

        Run directory = run("keygen", "show", out.toString());
        assertEquals(0, directory.code(), directory.err());
        assertTrue(directory.out().startsWith(out.resolve("node.crt") + ":\n  subject:     CN=alpha\n  fingerprint: "
                + node + "\n  issuer:      " + authority + " (CN=syncnode CA "), directory.out());
        assertTrue(directory.out().contains(out.resolve("ca.crt") + ":\n  subject:     CN=syncnode CA "),
                directory.out());
        assertTrue(directory.out().contains("  fingerprint: " + authority + "\n  issuer:      self-signed CA\n"),
                directory.out());
        assertTrue(directory.out().contains("  not before:  "), directory.out());
        assertTrue(directory.out().contains("  not after:   "), directory.out());

        Run file = run("keygen", "show", out.resolve("node.crt").toString());
        assertEquals(0, file.code(), file.err());
        Matcher fingerprints = FINGERPRINT.matcher(file.out());
        assertTrue(fingerprints.find());
        assertEquals(node.toString(), fingerprints.group());
        assertFalse(fingerprints.find(), "the issuer's certificate is not in the file: " + file.out());
        assertTrue(file.out().contains("its certificate is not among the files shown"), file.out());
    }

    @Test
    void showOfSomethingElseIsAnError() throws Exception {
        Run missing = run("keygen", "show", dir.resolve("nothing.crt").toString());
        assertEquals(1, missing.code());
        assertEquals("syncnode: " + dir.resolve("nothing.crt") + " does not exist\n", missing.err());
        Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");
        Run notes = run("keygen", "show", dir.resolve("notes.txt").toString());
        assertEquals(1, notes.code());
        assertEquals("syncnode: " + dir.resolve("notes.txt") + " holds no PEM CERTIFICATE\n", notes.err());
        Run empty = run("keygen", "show", dir.toString());
        assertEquals(1, empty.code());
        assertTrue(empty.err().startsWith("syncnode: " + dir + " holds neither node.crt nor ca.crt"), empty.err());
    }
}
