package io.syncnode.it;

import io.syncnode.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Helpers for tests with large files: streaming writes and SHA-256 (never a whole file in memory),
 * waiting for a peer's copy by size, mtime and hash, the node's {@code .syncnode-tmp.*} temp files,
 * wire counters, and rsync's figures for the same change.
 */
public final class BigFiles {
    public static final int MIB = 1 << 20;
    public static final String TEMP_PREFIX = ".syncnode-tmp.";
    public static final Path RSYNC = Path.of("/usr/bin/rsync");

    private BigFiles() {
    }

    /** {@code size} bytes (a multiple of 1 MiB) of SplittableRandom(seed) output, written 1 MiB at a time. */
    public static void writeRandom(Path file, long size, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] buf = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += MIB) {
                r.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(MIB, size - done));
            }
        }
    }

    /**
     * {@code mib} MiB: one random 1 MiB buffer repeated, each copy stamped with its MiB index
     * (8 bytes every 64 KiB), so that no two blocks of any size >= 64 KiB are equal. Fast, little memory.
     */
    public static void writeStamped(Path file, long mib, long seed) throws IOException {
        byte[] base = new byte[MIB];
        new SplittableRandom(seed).nextBytes(base);
        byte[] buf = base.clone();
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long i = 0; i < mib; i++) {
                for (int off = 0; off < MIB; off += 1 << 16) {
                    long v = i * 16 + (off >> 16);
                    for (int k = 0; k < 8; k++) {
                        buf[off + k] = (byte) (base[off + k] ^ (v >>> (8 * k)));
                    }
                }
                out.write(buf);
            }
        }
    }

    /** Overwrites {@code length} bytes at {@code offset} with SplittableRandom(seed) output, in place. */
    public static void overwrite(Path file, long offset, int length, long seed) throws IOException {
        byte[] b = new byte[length];
        new SplittableRandom(seed).nextBytes(b);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(b);
        }
    }

    /** Streaming SHA-256, hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[MIB];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Size and mtime (ns), or null when absent. */
    static String stat(Path p) {
        try {
            FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
            return Files.size(p) + "@" + t.to(TimeUnit.NANOSECONDS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until {@code copy} has {@code size} bytes with SHA-256 {@code sha}. Hashes only when the
     * size matches and the copy's size or mtime changed since the last hash, so polling a large file
     * stays cheap (the node renames complete, verified files into place).
     */
    public static void awaitContent(Path copy, long size, String sha, Duration timeout) {
        String[] lastHashed = {null};
        String[] lastHash = {null};
        Await.await(timeout, Duration.ofMillis(100), () -> {
            String st = stat(copy);
            if (st == null || !st.startsWith(size + "@")) {
                return false;
            }
            if (!st.equals(lastHashed[0])) {
                try {
                    lastHash[0] = sha256(copy);
                } catch (NoSuchFileException e) {
                    return false;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                lastHashed[0] = st;
            }
            return sha.equals(lastHash[0]);
        }, () -> copy + " has " + size + " bytes with SHA-256 " + sha + " (now " + stat(copy) + ", last hash "
                + lastHash[0] + ")");
    }

    /** Every {@code .syncnode-tmp.*} file below {@code root}. */
    public static List<Path> temps(Path root) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).forEach(out::add);
        } catch (IOException | UncheckedIOException e) {
            // a temp file vanished during the walk; the caller polls or walks again
        }
        return out;
    }

    /** Total size of the {@code .syncnode-tmp.*} files below {@code root} (0 if none). */
    public static long tempBytes(Path root) {
        long n = 0;
        for (Path p : temps(root)) {
            try {
                n += Files.size(p);
            } catch (IOException e) {
                // gone
            }
        }
        return n;
    }

    /** A counter of {@code status --json}. */
    public static long counter(NodeProcess n, String name) {
        return n.statusJson().path("counters").path(name).asLong();
    }

    /** Waits until every node's {@code dirty --json} is {@code []}. */
    public static void awaitNoDirty(Duration timeout, NodeProcess... nodes) {
        for (NodeProcess n : nodes) {
            Await.await(timeout, Duration.ofMillis(200), () -> n.dirtyJson().isEmpty(),
                    () -> n.name() + " dirty --json is [] (is " + n.dirtyJson() + ")");
        }
    }

    /** Sum over the nodes of {@code wireBytesSent}. */
    public static long wireSent(NodeProcess... nodes) {
        long sum = 0;
        for (NodeProcess n : nodes) {
            sum += counter(n, "wireBytesSent");
        }
        return sum;
    }

    /** rsync's "Total bytes sent" + "Total bytes received" for bringing {@code dest} up to {@code src}. */
    public record RsyncStats(long sent, long received, long literal, long matched, String output) {
        public long total() {
            return sent + received;
        }
    }

    /** Runs {@code rsync -a -I --no-whole-file --stats src dest} (dest: the old version) and parses its figures. */
    public static RsyncStats rsync(Path src, Path dest) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(RSYNC.toString(), "-a", "-I", "--no-whole-file", "--stats", src.toString(),
                dest.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError("rsync failed: " + out);
        }
        return new RsyncStats(figure(out, "Total bytes sent"), figure(out, "Total bytes received"),
                figure(out, "Literal data"), figure(out, "Matched data"), out);
    }

    private static long figure(String out, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + ":\\s*([0-9,.]+)").matcher(out);
        if (!m.find()) {
            throw new AssertionError("no '" + label + "' in rsync output:\n" + out);
        }
        return Long.parseLong(m.group(1).replace(",", "").replace(".", ""));
    }

    /** Copies preserving the mtime (for a basis kept aside). */
    public static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }

    /** Free bytes on the file store of {@code dir}. */
    public static long usable(Path dir) throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }
}
