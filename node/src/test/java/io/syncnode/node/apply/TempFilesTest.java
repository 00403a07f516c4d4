package io.syncnode.node.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.os.ConfinedFs;
import io.syncnode.node.os.PathBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The names of the applier's temp entries and the removal of a crashed node's leftovers. */
class TempFilesTest {
    @TempDir
    Path root;

    @Test
    void aTempNameCarriesTheEntryNameAndARandomPart() {
        Path a = TempFiles.nameFor(root, "report.txt");
        Path b = TempFiles.nameFor(root, "report.txt");
        String name = PathBytes.relative(root, a);
        assertTrue(name.matches("\\.syncnode-tmp\\.report\\.txt\\.[0-9a-f]{12}"), name);
        assertTrue(Applier.isTempName(name));
        assertEquals(root, a.getParent());
        assertNotEquals(a, b, "two temps of one entry never collide");
    }

    @Test
    void aLongNameIsCutAtAWholeCharacter() {
        String name = "x".repeat(99) + "\uD83D\uDE00" + "tail"; // the emoji spans chars 99 and 100
        String temp = PathBytes.relative(root, TempFiles.nameFor(root, name));
        assertEquals(Applier.TEMP_PREFIX + "x".repeat(99) + "\uD83D\uDE00", temp.substring(0, temp.length() - 13));
    }

    @Test
    void anEntryCreatedInPlaceIsNamedByItsKind() {
        String name = TempFiles.beside(root, "link").getFileName().toString();
        assertTrue(name.matches("\\.syncnode-tmp\\.link\\.[0-9a-f]{12}"), name);
    }

    @Test
    void aLeftoverIsRemovedAndADirectoryOnlyWhenEmpty() throws Exception {
        Files.createDirectories(root.resolve("a/.syncnode-tmp.full"));
        Files.writeString(root.resolve("a/.syncnode-tmp.full/f"), "left by an older version");
        Files.createDirectories(root.resolve("a/.syncnode-tmp.empty"));
        Path temp = TempFiles.nameFor(root.resolve("a"), "one");
        Files.writeString(temp, "left by a crash");
        TempFiles temps = new TempFiles(new ConfinedFs(root));

        assertTrue(temps.removeLeftover(temp, false));
        assertFalse(Files.exists(temp));
        assertFalse(temps.removeLeftover(temp, false), "already gone");
        assertTrue(temps.removeLeftover(root.resolve("a/.syncnode-tmp.empty"), true));
        assertFalse(temps.removeLeftover(root.resolve("a/.syncnode-tmp.full"), true), "never emptied");
        assertTrue(Files.exists(root.resolve("a/.syncnode-tmp.full/f")));
    }
}
