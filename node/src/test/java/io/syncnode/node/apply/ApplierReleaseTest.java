package io.syncnode.node.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large file replaced by an install is freed after the batch ({@link Applier#release}), not in the
 * rename: until then it has one more name, a temp name beside it, which the watcher and scanner ignore;
 * small files, files with other names and failed installs keep nothing.
 */
class ApplierReleaseTest {
    private static final int BIG = (int) TempFiles.RELEASE_LATER_AT + 4096;

    @TempDir
    Path root;
    Applier applier;

    @BeforeEach
    void setUp() {
        applier = new Applier(root);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private StatSignature existing(String rel, byte[] content) throws IOException {
        Path p = root.resolve(rel);
        Files.write(p, content);
        return EntryReader.lstat(p).orElseThrow().signature();
    }

    private List<Path> temps() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Applier.isTempName(p.getFileName().toString())).toList();
        }
    }

    @Test
    void aLargeReplacedFileKeepsATempNameUntilReleased() throws Exception {
        byte[] old = random(BIG, 1);
        byte[] now = random(BIG, 2);
        StatSignature expected = existing("big", old);
        Path temp = applier.writeTemp("big", now);
        List<Path> released = new ArrayList<>();

        applier.install("big", temp, ApplierConfinementTest.regular("big", now, 0600), expected, released);

        assertArrayEquals(now, Files.readAllBytes(root.resolve("big")), "the new content is in place at once");
        assertEquals(1, released.size(), "the old file got another name: " + released);
        assertEquals(List.of(released.get(0)), temps(), "a temp name, beside the target");
        assertArrayEquals(old, Files.readAllBytes(released.get(0)), "the old file, not yet freed");
        assertEquals(1L, EntryReader.lstat(root.resolve("big")).orElseThrow().nlink());

        applier.release(released);
        assertEquals(List.of(), temps(), "released: the old file is gone");
        assertArrayEquals(now, Files.readAllBytes(root.resolve("big")));
    }

    @Test
    void smallFilesAndFilesWithOtherNamesKeepNothing() throws Exception {
        byte[] small = random(4096, 3);
        StatSignature smallSig = existing("small", small);
        List<Path> released = new ArrayList<>();
        applier.install("small", applier.writeTemp("small", random(4096, 4)), ApplierConfinementTest.regular("small",
                random(4096, 4), 0600), smallSig, released);

        byte[] linked = random(BIG, 5);
        existing("linked", linked);
        Files.createLink(root.resolve("other-name"), root.resolve("linked"));
        StatSignature linkedSig = EntryReader.lstat(root.resolve("linked")).orElseThrow().signature();
        byte[] now = random(BIG, 6);
        applier.install("linked", applier.writeTemp("linked", now), ApplierConfinementTest.regular("linked", now, 0600),
                linkedSig, released);

        assertEquals(List.of(), released, "nothing kept: a small file frees little, another name keeps the blocks anyway");
        assertEquals(List.of(), temps());
        assertArrayEquals(linked, Files.readAllBytes(root.resolve("other-name")));
    }

    @Test
    void aFailedInstallKeepsNoTempName() throws Exception {
        byte[] old = random(BIG, 7);
        StatSignature expected = existing("big", old);
        Path temp = applier.writeTemp("big", random(BIG, 8));
        Files.delete(temp); // the rename fails: its source is gone
        List<Path> released = new ArrayList<>();

        assertThrows(IOException.class, () -> applier.install("big", temp,
                ApplierConfinementTest.regular("big", random(BIG, 8), 0600), expected, released));

        assertEquals(List.of(), released);
        assertEquals(List.of(), temps(), "the extra name went with the failure");
        assertArrayEquals(old, Files.readAllBytes(root.resolve("big")), "the old file is untouched");
        assertTrue(Files.isRegularFile(root.resolve("big")));
    }
}
