package io.syncnode.it;

import io.syncnode.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two random ASCII markers put where a sync must carry them: {@code names} in a directory name,
 * a file name and file contents (a small file, sent inline, and a 256 KiB one of random text,
 * fetched);
 * {@code hidden} in a symlink target and in an extended attribute's value. A capture of the sync
 * is then searched for the raw bytes of both: a sealed cluster must show neither, a cluster
 * without encryption both (the control that the search can fail).
 */
public record WireMarkers(String names, String hidden) {
    static final int BIG = 256 * 1024;
    static final String XATTR = "user.syncnode-it-note";

    public static WireMarkers random() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new WireMarkers("mkN" + HexFormat.of().toHexDigits(r.nextLong()) + "Q",
                "mkH" + HexFormat.of().toHexDigits(r.nextLong()) + "Z");
    }

    /** The directory holding the marked entries, relative to a folder root. */
    public String dir() {
        return "secret-" + names;
    }

    /** Writes the marked entries under {@code folder}. */
    public void write(Path folder) throws IOException {
        Path dir = Files.createDirectories(folder.resolve(dir()));
        Path note = dir.resolve("note-" + names + ".txt");
        Files.writeString(note, "the note says " + names + "\n");
        StringBuilder big = new StringBuilder(BIG);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (big.length() < BIG) { // random text around the marker: no block repeats, so the content crosses whole
            big.append(names).append(' ').append(HexFormat.of().toHexDigits(r.nextLong()))
                    .append(HexFormat.of().toHexDigits(r.nextLong())).append('\n');
        }
        Files.writeString(dir.resolve("big-" + names + ".txt"), big.substring(0, BIG));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("target-" + hidden));
        Files.getFileAttributeView(note, UserDefinedFileAttributeView.class)
                .write(XATTR.substring("user.".length()), StandardCharsets.US_ASCII.encode(hidden));
    }

    /** Waits until every node of {@code nodes} holds the marked entries, the xattr included. */
    public void awaitOn(List<NodeProcess> nodes, Duration timeout) {
        for (NodeProcess n : nodes) {
            Path dir = n.folder().resolve(dir());
            Await.await(timeout, Duration.ofMillis(50), () -> complete(dir),
                    () -> n.name() + " holds " + dir + " with the big file, the symlink and the xattr");
        }
    }

    private boolean complete(Path dir) {
        try {
            Path note = dir.resolve("note-" + names + ".txt");
            if (!Files.isRegularFile(note) || !Files.isSymbolicLink(dir.resolve("link"))
                    || Files.size(dir.resolve("big-" + names + ".txt")) != BIG) {
                return false;
            }
            UserDefinedFileAttributeView v = Files.getFileAttributeView(note, UserDefinedFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            return v.list().contains(XATTR.substring("user.".length()));
        } catch (IOException e) {
            return false;
        }
    }

    /** Where {@code marker}'s ASCII bytes first occur in {@code haystack}, or -1. */
    public static int indexOf(byte[] haystack, String marker) {
        byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
