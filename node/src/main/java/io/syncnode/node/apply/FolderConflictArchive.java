package io.syncnode.node.apply;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Where a folder keeps the versions that lost a whole-folder verdict ({@code conflict-scope =
 * "folder"}): one directory per verdict, {@code <state-dir>/conflicts/<folder>/YYYYMMDD-HHMMSS[-N]},
 * named after the heal it settled, and beside it a {@code .info} file ({@code winner=NODE},
 * {@code at=INSTANT}). The one place that writes and reads that format.
 */
public final class FolderConflictArchive {
    private static final Logger LOG = Logger.getLogger(FolderConflictArchive.class.getName());
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    /** One saved verdict: the directory of this node's losing files, who won, when, and how many files. */
    public record Saved(Path dir, String winner, String at, long files) {
    }

    private final Path dir;
    private final Clock clock;
    private final Supplier<Instant> lastHeal;

    /** @param lastHeal when the partition whose verdict is saved healed (null: none seen; now is used) */
    public FolderConflictArchive(Path dir, Clock clock, Supplier<Instant> lastHeal) {
        this.dir = dir;
        this.clock = clock;
        this.lastHeal = lastHeal;
    }

    /** A new directory for the losing side of a verdict that {@code winner} won, with its {@code .info}. */
    public Path newSaveDir(String winner) throws IOException {
        Instant healed = lastHeal.get();
        String stamp = STAMP.format(healed != null ? healed : clock.instant());
        Path d = dir.resolve(stamp);
        for (int i = 2; Files.exists(d) && !Files.exists(dir.resolve(stamp + ".info")); i++) {
            d = dir.resolve(stamp + "-" + i);
        }
        Files.createDirectories(d);
        Files.writeString(dir.resolve(d.getFileName() + ".info"), "winner=" + winner + "\nat=" + clock.instant() + "\n");
        return d;
    }

    /** The saved directories, oldest first. */
    public List<Path> savedDirs() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var list = Files.list(dir)) {
            return list.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Every saved verdict with its {@code .info} ("?" and null when the file is missing). */
    public List<Saved> saved() {
        return savedDirs().stream().map(FolderConflictArchive::read).toList();
    }

    private static Saved read(Path saved) {
        String winner = "?";
        String at = null;
        try {
            for (String line : Files.readAllLines(saved.resolveSibling(saved.getFileName() + ".info"))) {
                if (line.startsWith("winner=")) {
                    winner = line.substring(7);
                } else if (line.startsWith("at=")) {
                    at = line.substring(3);
                }
            }
        } catch (IOException e) {
            LOG.fine(() -> "no info beside " + saved + ": " + e.getMessage());
        }
        long files;
        try (var walk = Files.walk(saved)) {
            files = walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).count();
        } catch (IOException e) {
            files = 0;
        }
        return new Saved(saved, winner, at, files);
    }
}
