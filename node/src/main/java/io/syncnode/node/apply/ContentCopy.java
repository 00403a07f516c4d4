package io.syncnode.node.apply;

import io.syncnode.node.os.SparseOutput;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * Content moved between files of the node's own: a local file copied into a temp file (holes kept,
 * see {@link Applier#copyToTemp}), and a temp file checked against the hash and size its version
 * announces before it is installed. Temp files are made and removed by the {@link Applier}.
 * Stateless; runs on the caller's thread (the folder's worker).
 */
public final class ContentCopy {
    private ContentCopy() {
    }

    /** Copies {@code src} (not following a link) into {@code out} (a new, empty temp file), keeping holes. */
    static void copy(Path src, FileChannel out) throws IOException {
        try (InputStream in = Files.newInputStream(src, LinkOption.NOFOLLOW_LINKS);
             OutputStream sparse = new SparseOutput(out)) {
            in.transferTo(sparse);
        }
    }

    /** Writes {@code bytes} into {@code out} (a new, empty temp file). */
    static void write(FileChannel out, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** The whole content of {@code file} (a script's merged output, at most a conflict's file). */
    public static byte[] read(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    /** The size of the temp file {@code temp}, or -1 when it is gone or cannot be read. */
    public static long sizeOf(Path temp) {
        try {
            return Files.size(temp);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Whether {@code temp} is still there (not following a link). */
    public static boolean present(Path temp) {
        return Files.exists(temp, LinkOption.NOFOLLOW_LINKS);
    }

    /** Throws unless {@code temp} holds exactly the content of {@code target} (size and hash). */
    public static void verify(Path temp, FileRecord target) throws IOException {
        MessageDigest sha = EntryReader.sha256();
        long n = 0;
        try (InputStream in = Files.newInputStream(temp, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                sha.update(buf, 0, r);
                n += r;
            }
        }
        if (n != target.size() || !ContentHash.of(sha.digest()).equals(target.hash())) {
            throw new IOException("content of " + target.path() + " does not match its hash; not applied");
        }
    }

    /** Throws unless {@code inline} is exactly the content of {@code target} (size and hash). */
    public static void verify(byte[] inline, FileRecord target) throws IOException {
        if (inline.length != target.size() || !ContentHash.of(EntryReader.sha256().digest(inline)).equals(target.hash())) {
            throw new IOException("inline content of " + target.path() + " does not match its hash; not applied");
        }
    }
}
