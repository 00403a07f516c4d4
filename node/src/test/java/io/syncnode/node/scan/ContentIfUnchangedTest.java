package io.syncnode.node.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.StatSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small file's content for a full index goes inline only while the file keeps the signature it
 * was indexed with (then it still holds the indexed content); a changed, replaced, missing or
 * too-big file, or one reached through a symlink, gives nothing (the receiver fetches it).
 */
class ContentIfUnchangedTest {
    @TempDir
    Path root;

    private static StatSignature signatureOf(Path p) throws Exception {
        return EntryReader.lstat(p).orElseThrow().signature();
    }

    private Optional<byte[]> read(String rel, StatSignature expected, int max) throws Exception {
        return EntryReader.contentIfUnchanged(root.resolve(rel), rel, expected, max);
    }

    @Test
    void anUnchangedFileGivesItsContent() throws Exception {
        Path f = Files.writeString(Files.createDirectories(root.resolve("d")).resolve("a.txt"), "hello\n");
        assertArrayEquals("hello\n".getBytes(StandardCharsets.UTF_8), read("d/a.txt", signatureOf(f), 100).orElseThrow());
    }

    @Test
    void aFileWrittenSinceItWasIndexedGivesNothingEvenAtTheSameSize() throws Exception {
        Path f = Files.writeString(root.resolve("a.txt"), "hello\n");
        StatSignature indexed = signatureOf(f);
        Files.writeString(f, "HELLO\n"); // same size: the change time moved
        assertEquals(Optional.empty(), read("a.txt", indexed, 100));
    }

    @Test
    void aMissingOrTooBigFileGivesNothing() throws Exception {
        Path f = Files.writeString(root.resolve("a.txt"), "hello\n");
        StatSignature indexed = signatureOf(f);
        assertEquals(Optional.empty(), read("a.txt", indexed, 5), "6 bytes, at most 5 inline");
        Files.delete(f);
        assertEquals(Optional.empty(), read("a.txt", indexed, 100));
    }

    @Test
    void aSymlinkInPlaceOfTheFileOrOfAParentIsNotFollowed() throws Exception {
        Path outside = Files.createTempDirectory("content-if-unchanged-outside");
        try {
            Path target = Files.writeString(outside.resolve("a.txt"), "secret\n");
            StatSignature ofTarget = signatureOf(target);
            Files.createSymbolicLink(root.resolve("a.txt"), target);
            assertEquals(Optional.empty(), read("a.txt", ofTarget, 100), "the file itself a symlink");
            Files.createSymbolicLink(root.resolve("d"), outside);
            assertEquals(Optional.empty(), read("d/a.txt", ofTarget, 100), "a parent a symlink out of the folder");
        } finally {
            Files.deleteIfExists(outside.resolve("a.txt"));
            Files.deleteIfExists(outside);
        }
        assertTrue(Files.isSymbolicLink(root.resolve("d")));
    }
}
