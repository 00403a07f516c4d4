package io.syncnode.node.conflict;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.conflict.ScriptInvocation.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conflict scripts in {@code scripts/conflict/} run as real processes under the
 * {@code conflict = "script"} contract (see scripts/conflict/README.md): the first stdout line, the
 * exit code and the exact bytes left in SYNCNODE_OUTPUT.
 */
class ConflictScriptsTest {
    /** Copies live under awkward names, as the node's may: spaces, a newline, leading dashes. */
    private static final String COPY_DIR = "-copies with space\nand newline";

    private static byte[] bytes(String latin1) {
        return latin1 == null ? null : latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String show(byte[] content) {
        return content == null ? "(absent)" : new String(content, StandardCharsets.ISO_8859_1)
                .replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }

    /** A read-only copy of one version, as the node hands it to the script. */
    private static Path copy(Path dir, String name, byte[] content) throws IOException {
        Path file = Files.createDirectories(dir).resolve(name);
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        return file;
    }

    @Nested
    class PreferNode {
        record Case(String name, String scope, String prefer, String localNode, String remoteNode,
                int exitCode, String answer) {
            @Override
            public String toString() {
                return name;
            }
        }

        static Stream<Case> cases() {
            return Stream.of(
                    new Case("local node listed first", "file", "alpha beta", "alpha", "beta", 0, "local"),
                    new Case("remote node listed first", "file", "beta alpha", "alpha", "beta", 0, "remote"),
                    new Case("commas and unlisted names before the match", "file", "gamma,beta, alpha",
                            "alpha", "beta", 0, "remote"),
                    new Case("one name per line", "file", "gamma\nalpha\n", "alpha", "beta", 0, "local"),
                    new Case("only the local node listed", "file", "alpha", "alpha", "beta", 0, "local"),
                    new Case("only the remote node listed", "file", "beta", "alpha", "beta", 0, "remote"),
                    new Case("neither node listed keeps both", "file", "gamma delta", "alpha", "beta", 0, "both"),
                    new Case("set but empty list keeps both", "file", "", "alpha", "beta", 0, "both"),
                    new Case("names match whole, not as prefixes", "file", "alph beta2", "alpha", "beta", 0,
                            "both"),
                    new Case("folder scope, local preferred", "folder", "beta", "beta", "alpha", 0, "local"),
                    new Case("folder scope, remote preferred", "folder", "alpha", "beta", "alpha", 0, "remote"),
                    new Case("folder scope, neither listed leaves the conflict open", "folder", "gamma",
                            "alpha", "beta", 1, ""));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("cases")
        void answers(Case c, @TempDir Path tmp) throws Exception {
            ScriptInvocation run = new ScriptInvocation("prefer-node", tmp)
                    .set("SYNCNODE_SCOPE", c.scope())
                    .set("SYNCNODE_PREFER", c.prefer())
                    .set("SYNCNODE_LOCAL_NODE", c.localNode())
                    .set("SYNCNODE_REMOTE_NODE", c.remoteNode());
            if (c.scope().equals("folder")) {
                run.set("SYNCNODE_PATH", "")
                        .set("SYNCNODE_LOCAL", Files.createDirectories(tmp.resolve("local")).toString())
                        .set("SYNCNODE_REMOTE", Files.createDirectories(tmp.resolve("remote")).toString());
            }
            Result result = run.run();
            assertAll(result.toString(),
                    () -> assertEquals(c.exitCode(), result.exitCode()),
                    () -> assertEquals(c.answer(), result.answer()),
                    () -> assertFalse(Files.exists(run.output()), "prefer-node never writes SYNCNODE_OUTPUT"));
            if (c.exitCode() != 0) {
                assertTrue(result.stderr().startsWith("prefer-node: "), result.toString());
            }
        }

        @Test
        void withoutAnyPreferenceKeepsBoth(@TempDir Path tmp) throws Exception {
            assertFalse(Files.exists(Path.of("/etc/syncnode/prefer-node")),
                    "this test needs a host without /etc/syncnode/prefer-node (the script's fixed default list)");
            Result result = new ScriptInvocation("prefer-node", tmp).unset("SYNCNODE_PREFER").run();
            assertEquals(0, result.exitCode(), result.toString());
            assertEquals("both", result.answer(), result.toString());
        }

        @Test
        void missingNodeNameIsAnError(@TempDir Path tmp) throws Exception {
            Result result = new ScriptInvocation("prefer-node", tmp)
                    .set("SYNCNODE_PREFER", "alpha").unset("SYNCNODE_REMOTE_NODE").run();
            assertEquals(1, result.exitCode(), result.toString());
            assertEquals("", result.stdout());
            assertTrue(result.stderr().startsWith("prefer-node: SYNCNODE_REMOTE_NODE is not set"), result.toString());
        }
    }

    @Nested
    class MergeLines {
        /** local or remote null: that side deleted the path; output null: no SYNCNODE_OUTPUT. */
        record Case(String name, byte[] local, byte[] remote, int exitCode, String answer, byte[] output) {
            static Case merged(String name, String local, String remote, String output) {
                return new Case(name, bytes(local), bytes(remote), 0, "merged", bytes(output));
            }

            @Override
            public String toString() {
                return name + ": [" + show(local) + "] + [" + show(remote) + "]";
            }
        }

        static Stream<Case> cases() {
            return Stream.of(
                    Case.merged("union keeps first-occurrence order", "a\nb\nc\n", "d\nb\ne\n", "a\nb\nc\nd\ne\n"),
                    Case.merged("no sorting", "zz\naa\n", "mm\n", "zz\naa\nmm\n"),
                    Case.merged("duplicates within and across sides", "a\na\nb\n", "b\nc\nc\na\n", "a\nb\nc\n"),
                    Case.merged("identical sides", "k1\nk2\n", "k1\nk2\n", "k1\nk2\n"),
                    Case.merged("local without trailing newline", "a\nb", "c\n", "a\nb\nc\n"),
                    Case.merged("remote without trailing newline", "a\n", "b", "a\nb\n"),
                    Case.merged("neither side ends with a newline", "a", "b", "a\nb"),
                    Case.merged("unterminated last line equals a terminated one", "a\nb", "b\nc", "a\nb\nc"),
                    Case.merged("CRLF lines kept as they are and distinct from LF", "a\r\nb\r\n", "a\nb\r\n",
                            "a\r\nb\r\na\n"),
                    Case.merged("empty local file", "", "x\n", "x\n"),
                    Case.merged("both files empty", "", "", ""),
                    Case.merged("blank line is a line like any other", "a\n\nb\n", "\nc\n", "a\n\nb\nc\n"),
                    Case.merged("printf and awk syntax are data", "%s %d\\n\n$0 ${x}\n", "-v x=1\n",
                            "%s %d\\n\n$0 ${x}\n-v x=1\n"),
                    Case.merged("non-UTF-8 bytes and leading/trailing blanks kept", "\u00ff\u00fe key \n",
                            "\u00ff\u00fe key\n", "\u00ff\u00fe key \n\u00ff\u00fe key\n"),
                    new Case("local deleted: remote survives", null, bytes("a\n"), 0, "remote", null),
                    new Case("remote deleted: local survives", bytes("a\n"), null, 0, "local", null),
                    new Case("both deleted: nothing to merge", null, null, 1, "", null),
                    new Case("binary local refused", bytes("a\n\0b\n"), bytes("c\n"), 1, "", null),
                    new Case("binary remote refused", bytes("a\n"), bytes("\0"), 1, "", null));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("cases")
        void merges(Case c, @TempDir Path tmp) throws Exception {
            Path copies = tmp.resolve(COPY_DIR);
            ScriptInvocation run = new ScriptInvocation("merge-lines", tmp)
                    .set("SYNCNODE_PATH", "etc/ssh/authorized keys")
                    .set("SYNCNODE_OUTPUT", copies.resolve("-merged output").toString());
            if (c.local() != null) {
                run.set("SYNCNODE_LOCAL", copy(copies, "-local copy", c.local()).toString());
            }
            if (c.remote() != null) {
                run.set("SYNCNODE_REMOTE", copy(copies, "-remote copy", c.remote()).toString());
            }
            Files.createDirectories(copies);
            Result result = run.run();
            assertAll(result.toString(),
                    () -> assertEquals(c.exitCode(), result.exitCode()),
                    () -> assertEquals(c.answer(), result.answer()));
            if (c.output() == null) {
                assertFalse(Files.exists(run.output()), "no SYNCNODE_OUTPUT expected");
            } else {
                byte[] written = Files.readAllBytes(run.output());
                assertArrayEquals(c.output(), written, () -> "output was [" + show(written) + "]");
            }
            if (c.exitCode() != 0) {
                assertTrue(result.stderr().startsWith("merge-lines: "), result.toString());
            }
        }

        @Test
        void binaryRefusalSaysWhy(@TempDir Path tmp) throws Exception {
            Result result = new ScriptInvocation("merge-lines", tmp)
                    .set("SYNCNODE_LOCAL", copy(tmp, "local", bytes("a\n")).toString())
                    .set("SYNCNODE_REMOTE", copy(tmp, "remote", bytes("\0\n")).toString())
                    .run();
            assertEquals(1, result.exitCode(), result.toString());
            assertTrue(result.stderr().contains("SYNCNODE_REMOTE holds binary content (a NUL byte)"),
                    result.toString());
        }

        @Test
        void refusesFolderScope(@TempDir Path tmp) throws Exception {
            ScriptInvocation run = new ScriptInvocation("merge-lines", tmp)
                    .set("SYNCNODE_SCOPE", "folder")
                    .set("SYNCNODE_PATH", "")
                    .set("SYNCNODE_LOCAL", Files.createDirectories(tmp.resolve("local")).toString())
                    .set("SYNCNODE_REMOTE", Files.createDirectories(tmp.resolve("remote")).toString());
            Result result = run.run();
            assertEquals(1, result.exitCode(), result.toString());
            assertEquals("", result.stdout());
            assertTrue(result.stderr().startsWith("merge-lines: refusing folder scope"), result.toString());
            assertFalse(Files.exists(run.output()));
        }

        @Test
        void neverOverwritesAnExistingOutput(@TempDir Path tmp) throws Exception {
            ScriptInvocation run = new ScriptInvocation("merge-lines", tmp)
                    .set("SYNCNODE_LOCAL", copy(tmp, "local", bytes("a\n")).toString())
                    .set("SYNCNODE_REMOTE", copy(tmp, "remote", bytes("b\n")).toString());
            Files.writeString(run.output(), "precious\n");
            Result result = run.run();
            assertEquals(1, result.exitCode(), result.toString());
            assertEquals("", result.stdout());
            assertEquals("precious\n", Files.readString(run.output()));
        }
    }

    @Nested
    class NewestTree {
        record Case(String name, String localMtime, String remoteMtime, String localNode, String remoteNode,
                int exitCode, String answer) {
            @Override
            public String toString() {
                return name;
            }
        }

        static Stream<Case> fileScope() {
            return Stream.of(
                    new Case("local newer", "1700000001.000000000", "1700000000.000000000", "alpha", "beta", 0,
                            "local"),
                    new Case("remote newer", "1700000000.000000000", "1700000001.000000000", "alpha", "beta", 0,
                            "remote"),
                    new Case("one nanosecond decides", "1700000000.000000001", "1700000000.000000000", "beta",
                            "alpha", 0, "local"),
                    new Case("compared as numbers, not as text", "999999999.900000000", "1000000000.000000000",
                            "alpha", "beta", 0, "remote"),
                    new Case("tie, local node sorts first", "1700000000.500000000", "1700000000.500000000",
                            "alpha", "beta", 0, "local"),
                    new Case("tie, remote node sorts first", "1700000000.500000000", "1700000000.500000000",
                            "beta", "alpha", 0, "remote"),
                    new Case("tie written with fewer digits", "1700000000.5", "1700000000.500000000", "alpha",
                            "beta", 0, "local"),
                    new Case("before the epoch is older", "-1.000000000", "0.000000000", "alpha", "beta", 0,
                            "remote"),
                    new Case("not a number", "yesterday", "1700000000.000000000", "alpha", "beta", 1, ""),
                    new Case("missing time", "", "1700000000.000000000", "alpha", "beta", 1, ""));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("fileScope")
        void fileScopeComparesTheMtimeVariables(Case c, @TempDir Path tmp) throws Exception {
            ScriptInvocation run = new ScriptInvocation("newest-tree", tmp)
                    .set("SYNCNODE_LOCAL", copy(tmp, "local", bytes("a")).toString())
                    .set("SYNCNODE_REMOTE", copy(tmp, "remote", bytes("b")).toString())
                    .set("SYNCNODE_LOCAL_MTIME", c.localMtime())
                    .set("SYNCNODE_REMOTE_MTIME", c.remoteMtime())
                    .set("SYNCNODE_LOCAL_NODE", c.localNode())
                    .set("SYNCNODE_REMOTE_NODE", c.remoteNode());
            Result result = run.run();
            assertAll(result.toString(),
                    () -> assertEquals(c.exitCode(), result.exitCode()),
                    () -> assertEquals(c.answer(), result.answer()),
                    () -> assertFalse(Files.exists(run.output()), "newest-tree never writes SYNCNODE_OUTPUT"));
            if (c.exitCode() != 0) {
                assertTrue(result.stderr().startsWith("newest-tree: "), result.toString());
            }
        }

        private static final Instant BASE = Instant.parse("2023-11-14T22:13:20Z");

        /**
         * A side's copy of its changed entries: every file and directory at BASE, then the given
         * files at their own times (setting a file's time leaves its directory's alone).
         */
        private static Path tree(Path dir, Map<String, Instant> files) throws IOException {
            Files.createDirectories(dir);
            for (String file : files.keySet()) {
                Path path = dir.resolve(file);
                Files.createDirectories(path.getParent());
                Files.writeString(path, file);
            }
            List<Path> all = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.forEach(all::add);
            }
            for (Path path : all) {
                Files.setLastModifiedTime(path, FileTime.from(BASE));
            }
            for (Map.Entry<String, Instant> file : files.entrySet()) {
                Files.setLastModifiedTime(dir.resolve(file.getKey()), FileTime.from(file.getValue()));
            }
            return dir;
        }

        private static Result folderRun(Path tmp, Path local, Path remote, String localNode, String remoteNode)
                throws Exception {
            return new ScriptInvocation("newest-tree", tmp)
                    .set("SYNCNODE_SCOPE", "folder")
                    .set("SYNCNODE_PATH", "")
                    .set("SYNCNODE_LOCAL", local.toString())
                    .set("SYNCNODE_REMOTE", remote.toString())
                    .set("SYNCNODE_LOCAL_NODE", localNode)
                    .set("SYNCNODE_REMOTE_NODE", remoteNode)
                    .run();
        }

        @Test
        void folderScopeNewestFileDeepInLocalTree(@TempDir Path tmp) throws Exception {
            Path local = tree(tmp.resolve("local"), Map.of(
                    "rootfs/etc/hosts", BASE.plusSeconds(10),
                    "rootfs/var/log/deep/er/syslog", BASE.plusSeconds(100)));
            Path remote = tree(tmp.resolve("remote"), Map.of(
                    "config", BASE.plusSeconds(50),
                    "rootfs/etc/hosts", BASE.plusSeconds(60)));
            Result result = folderRun(tmp, local, remote, "alpha", "beta");
            assertEquals(0, result.exitCode(), result.toString());
            assertEquals("local", result.answer(), result.toString());
        }

        @Test
        void folderScopeNewestFileInRemoteTree(@TempDir Path tmp) throws Exception {
            Path local = tree(tmp.resolve("local"), Map.of(
                    "rootfs/etc/hosts", BASE.plusSeconds(100),
                    "config", BASE.plusSeconds(20)));
            Path remote = tree(tmp.resolve("remote"), Map.of(
                    "rootfs/etc/hosts", BASE.plusSeconds(30),
                    "rootfs/srv/www/index.html", BASE.plusSeconds(100).plusMillis(1)));
            Result result = folderRun(tmp, local, remote, "alpha", "beta");
            assertEquals(0, result.exitCode(), result.toString());
            assertEquals("remote", result.answer(), result.toString());
        }

        @Test
        void folderScopeTieIsDecidedTheSameWayOnBothNodes(@TempDir Path tmp) throws Exception {
            Path alphaSide = tree(tmp.resolve("alpha"), Map.of("a", BASE.plusSeconds(5), "b", BASE.plusSeconds(70)));
            Path betaSide = tree(tmp.resolve("beta"), Map.of("c/d", BASE.plusSeconds(70)));
            Result onAlpha = folderRun(tmp, alphaSide, betaSide, "alpha", "beta");
            Result onBeta = folderRun(tmp, betaSide, alphaSide, "beta", "alpha");
            assertEquals("local", onAlpha.answer(), onAlpha.toString());
            assertEquals("remote", onBeta.answer(), onBeta.toString());
        }

        @Test
        void folderScopeAwkwardNames(@TempDir Path tmp) throws Exception {
            Path local = tree(tmp.resolve(COPY_DIR).resolve("-local side"), Map.of(
                    "-rf", BASE.plusSeconds(10),
                    "name with\nnewline/and space", BASE.plusSeconds(90)));
            Path remote = tree(tmp.resolve(COPY_DIR).resolve("-remote side"), Map.of(
                    "--newer", BASE.plusSeconds(80)));
            Result result = folderRun(tmp, local, remote, "alpha", "beta");
            assertEquals(0, result.exitCode(), result.toString());
            assertEquals("local", result.answer(), result.toString());
        }

        @Test
        void folderScopeSideWithOnlyDeletionsUsesItsMtimeVariable(@TempDir Path tmp) throws Exception {
            Path local = Files.createDirectories(tmp.resolve("local"));
            Path remote = tree(tmp.resolve("remote"), Map.of("kept", BASE.plusSeconds(10)));
            long deletedAt = BASE.plusSeconds(20).getEpochSecond();
            Result result = new ScriptInvocation("newest-tree", tmp)
                    .set("SYNCNODE_SCOPE", "folder")
                    .set("SYNCNODE_PATH", "")
                    .set("SYNCNODE_LOCAL", local.toString())
                    .set("SYNCNODE_REMOTE", remote.toString())
                    .set("SYNCNODE_LOCAL_MTIME", deletedAt + ".000000000")
                    .run();
            assertEquals(0, result.exitCode(), result.toString());
            assertEquals("local", result.answer(), result.toString());
        }

        @Test
        void folderScopeNeedsDirectories(@TempDir Path tmp) throws Exception {
            Result result = new ScriptInvocation("newest-tree", tmp)
                    .set("SYNCNODE_SCOPE", "folder")
                    .set("SYNCNODE_LOCAL", copy(tmp, "file", bytes("x")).toString())
                    .set("SYNCNODE_REMOTE", Files.createDirectories(tmp.resolve("remote")).toString())
                    .run();
            assertEquals(1, result.exitCode(), result.toString());
            assertEquals("", result.stdout());
            assertTrue(result.stderr().startsWith("newest-tree: SYNCNODE_LOCAL "), result.toString());
        }
    }
}
