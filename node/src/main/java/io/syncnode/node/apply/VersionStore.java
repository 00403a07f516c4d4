package io.syncnode.node.apply;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.FileType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The kept versions of one folder, under {@code <state-dir>/versions/<folder>/} (owner-only):
 * each is its content, {@code <id>}, and a sidecar, {@code <id>.json} ({@link KeptVersion}).
 * Nothing is ever written inside the synced folder.
 *
 * <p>Keeping: the content is first a hard link to the displaced inode ({@link ConfinedFs#linkOut}
 * from the folder's confined directory descriptor, so a symlink is never followed), accepted only
 * when the new name is a regular file with the expected inode and exactly two names (no other name
 * in the folder could change it later); else (another file system, protected hard links, a file
 * with more names) it is a copy read through {@link Applier#openForReading} (confined,
 * O_NOFOLLOW, regular files only) into a file created 0600. The content is complete under a
 * {@code .part} name first and the sidecar is written last, so a crash leaves no half version: at
 * start, content without sidecar and {@code .part} files are removed.
 *
 * <p>Thread-safety: every method is synchronized; keeping runs on the folder worker, listing on
 * the control server's threads.
 *
 * @see io.syncnode.node.os.ConfinedFs
 */
public final class VersionStore {
    private static final Logger LOG = Logger.getLogger(VersionStore.class.getName());
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    private static final String SIDECAR = ".json";
    private static final String PART = ".part";
    private final Path dir;
    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** By id, in the order kept. Guarded by this. */
    private final Map<String, KeptVersion> kept = new LinkedHashMap<>();

    /** Opens (creating, mode 0700) {@code dir} and reads the versions kept there before. */
    public VersionStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        load();
    }

    public Path dir() {
        return dir;
    }

    private void load() throws IOException {
        List<Path> contents = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.endsWith(SIDECAR)) {
                    readSidecar(p);
                } else {
                    contents.add(p);
                }
            }
        }
        kept.values().removeIf(k -> {
            boolean missing = !Files.isRegularFile(dir.resolve(k.id()), LinkOption.NOFOLLOW_LINKS);
            if (missing) {
                LOG.warning(() -> "kept version " + k.id() + " of " + k.path() + " lost its content; dropped");
                deleteQuietly(dir.resolve(k.id() + SIDECAR));
            }
            return missing;
        });
        for (Path p : contents) {
            if (!kept.containsKey(p.getFileName().toString())) {
                deleteQuietly(p); // a .part, or content whose sidecar was never written: an interrupted keep
            }
        }
        List<KeptVersion> sorted = new ArrayList<>(kept.values());
        sorted.sort(Comparator.comparingLong(KeptVersion::keptAtMs).thenComparing(KeptVersion::id));
        kept.clear();
        sorted.forEach(k -> kept.put(k.id(), k));
    }

    private void readSidecar(Path p) {
        try {
            KeptVersion k = json.readValue(p.toFile(), KeptVersion.class);
            if (!(k.id() + SIDECAR).equals(p.getFileName().toString())) {
                throw new IOException("its id is " + k.id());
            }
            kept.put(k.id(), k);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "kept version sidecar " + p + " is unreadable; its version is dropped", e);
            deleteQuietly(p);
        }
    }

    /**
     * Keeps the regular file {@code rel} of {@code applier}'s folder (at {@code target}) as it is
     * now, with the metadata its lstat shows; {@code hash}, {@code version}, {@code replacedBy} and
     * {@code deleted} go into the sidecar. Empty when nothing is there or it is no regular file.
     *
     * @throws IOException when it could not be kept (nothing of it stays)
     */
    public synchronized Optional<KeptVersion> keep(Applier applier, String rel, Path target, String hash,
                                                   String version, String replacedBy, boolean deleted, long nowMs)
            throws IOException {
        Optional<EntryReader.Lstat> st = EntryReader.lstat(target);
        if (st.isEmpty() || st.get().type() != FileType.REGULAR) {
            return Optional.empty();
        }
        var sig = st.get().signature();
        String id = nextId(nowMs);
        Path part = dir.resolve(id + PART);
        Path data = dir.resolve(id);
        try {
            // a file with other names is copied: linking it would also move their ctime
            boolean linked = st.get().nlink() == 1 && link(applier, target, part, sig.dev(), sig.ino());
            if (!linked) {
                copy(applier, rel, part);
            }
            KeptVersion k = new KeptVersion(id, rel, nowMs, Files.size(part), sig.mode() & 07777, sig.uid(), sig.gid(),
                    sig.mtimeNs(), hash, version, replacedBy, deleted, linked);
            Files.move(part, data, StandardCopyOption.ATOMIC_MOVE);
            Path sidecarPart = dir.resolve(id + SIDECAR + PART);
            json.writeValue(sidecarPart.toFile(), k);
            Files.move(sidecarPart, dir.resolve(id + SIDECAR), StandardCopyOption.ATOMIC_MOVE);
            kept.put(id, k);
            return Optional.of(k);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(part);
            deleteQuietly(data);
            deleteQuietly(dir.resolve(id + SIDECAR + PART));
            throw e;
        }
    }

    /** A hard link accepted only as the same inode with exactly two names; else nothing stays. */
    private static boolean link(Applier applier, Path target, Path part, long dev, long ino) {
        try {
            applier.confined().linkOut(target, part);
        } catch (IOException e) {
            return false; // another file system (EXDEV), protected hard links (EPERM): a copy
        }
        try {
            Map<String, Object> a = Files.readAttributes(part, "unix:dev,ino,nlink,mode", LinkOption.NOFOLLOW_LINKS);
            boolean regular = (((Integer) a.get("mode")) & 0170000) == 0100000;
            if (regular && ((Number) a.get("ino")).longValue() == ino && ((Number) a.get("dev")).longValue() == dev
                    && ((Number) a.get("nlink")).intValue() == 2) {
                return true;
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "checking the link " + part + " failed; copying instead", e);
        }
        deleteQuietly(part);
        return false;
    }

    private static void copy(Applier applier, String rel, Path part) throws IOException {
        try (InputStream in = applier.openForReading(rel);
             FileChannel ch = FileChannel.open(part, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                     PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
             OutputStream out = Channels.newOutputStream(ch)) {
            in.transferTo(out);
            ch.force(true);
        }
    }

    private String nextId(long nowMs) {
        String base = ID.format(Instant.ofEpochMilli(nowMs));
        String id = base;
        for (int n = 1; kept.containsKey(id) || Files.exists(dir.resolve(id), LinkOption.NOFOLLOW_LINKS); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    /** Every kept version, oldest first. */
    public synchronized List<KeptVersion> all() {
        return List.copyOf(kept.values());
    }

    /** The kept versions of {@code rel}, newest first. */
    public synchronized List<KeptVersion> of(String rel) {
        List<KeptVersion> out = new ArrayList<>();
        kept.values().stream().filter(k -> k.path().equals(rel)).forEach(k -> out.add(0, k));
        return out;
    }

    public synchronized Optional<KeptVersion> byId(String id) {
        return Optional.ofNullable(kept.get(id));
    }

    /** The content of a kept version (in the state directory: read it with ordinary file calls). */
    public Path content(KeptVersion k) {
        return dir.resolve(k.id());
    }

    /** Removes a kept version: its sidecar first, so a crash leaves content that the next start removes. */
    public synchronized void remove(String id) throws IOException {
        kept.remove(id);
        Files.deleteIfExists(dir.resolve(id + SIDECAR));
        Files.deleteIfExists(dir.resolve(id));
    }

    /** {@code {count, bytes}} of what is kept. */
    public synchronized long[] totals() {
        return new long[]{kept.size(), kept.values().stream().mapToLong(KeptVersion::size).sum()};
    }

    /** The size of the file system that holds the store (for {@code versions-max-size = "N%"}). */
    public long fileSystemBytes() throws IOException {
        return Files.getFileStore(dir).getTotalSpace();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove " + p + "; the next start tries again", e);
        }
    }
}
