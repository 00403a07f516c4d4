package io.syncnode.node.index;

import static io.syncnode.node.index.Records.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code syncnode dirty --limit}: keyset pages of the dirty table, on a real SQLite index. */
class DirtyPageTest {
    // ids in the opposite order of the names: a page is cut by id, a path's entries are listed by name
    static final long ALPHA = 3L;
    static final long BETA = 2L;
    static final long GAMMA = 1L;
    static final Instant T = Instant.ofEpochMilli(1_700_000_000_000L);

    @TempDir
    Path stateDir;
    SqliteIndexStore store;

    @BeforeEach
    void open() {
        store = SqliteIndexStore.open(stateDir);
        await(store.write(w -> {
            w.upsertPeer(new PeerInfo(ALPHA, "alpha", null, T));
            w.upsertPeer(new PeerInfo(BETA, "beta", null, T));
            w.upsertPeer(new PeerInfo(GAMMA, "gamma", null, T));
            for (int i = 0; i < 10; i++) {
                w.markDirty("ct101", String.format("p%02d", i), List.of(ALPHA, BETA, GAMMA), T);
            }
            w.markDirty("ct102", "only", List.of(BETA), T);
            w.markDirty("ct100", "a/b", List.of(GAMMA), T);
            return null;
        }));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static List<String> rows(DirtyPage page) {
        return page.entries().stream().map(d -> d.folder() + "/" + d.path() + " " + d.peerName()).toList();
    }

    @Test
    void pagesKeepWholePathsCountTheRestAndEndWithoutANext() {
        DirtyPage first = store.dirtyPage(null, null, 5);
        assertEquals(List.of("ct100/a/b gamma", "ct101/p00 alpha", "ct101/p00 beta", "ct101/p00 gamma",
                "ct101/p01 alpha", "ct101/p01 beta", "ct101/p01 gamma"), rows(first),
                "the fifth entry is p01's first: its other peers come along, listed by name");
        assertEquals(32, first.total());
        assertEquals(25, first.more());
        assertEquals(new DirtyPage.Cursor("ct101", "p01"), first.next());

        List<String> all = new ArrayList<>(rows(first));
        DirtyPage page = first;
        int pages = 1;
        while (page.next() != null) {
            page = store.dirtyPage(null, page.next(), 5);
            all.addAll(rows(page));
            pages++;
            assertEquals(32, page.total());
        }
        assertEquals(rows(store.dirtyPage(null, null, 0)), all, "the pages together are the whole list, once each");
        assertEquals(store.dirty(null).size(), all.size());
        assertEquals(0, page.more());
        assertNull(page.next());
        assertEquals(6, pages, "ct100, p00, p01; then two whole paths of ct101 a page; then ct102");
    }

    @Test
    void aFolderFilterPagesOnlyThatFolderAndCountsOnlyIt() {
        DirtyPage page = store.dirtyPage("ct101", new DirtyPage.Cursor("ct101", "p07"), 3);
        assertEquals(List.of("ct101/p08 alpha", "ct101/p08 beta", "ct101/p08 gamma"), rows(page));
        assertEquals(30, page.total());
        assertEquals(3, page.more());
        assertEquals(List.of("ct101/p09 alpha", "ct101/p09 beta", "ct101/p09 gamma"),
                rows(store.dirtyPage("ct101", page.next(), 3)));
        assertNull(store.dirtyPage("ct101", page.next(), 3).next(), "nothing of ct102 follows in ct101's pages");
        assertEquals(List.of("ct102/only beta"), rows(store.dirtyPage("ct102", null, 1)));
        assertEquals(0, store.dirtyPage("etc", null, 10).total());
        assertEquals(List.of("ct101/p00 alpha", "ct101/p00 beta", "ct101/p00 gamma"),
                rows(store.dirtyPage("ct101", new DirtyPage.Cursor("ct100", "a/b"), 3)), "a position before the folder");
        assertEquals(List.of(), rows(store.dirtyPage("ct101", new DirtyPage.Cursor("ct102", "a"), 3)),
                "a position after the folder");
    }

    @Test
    void limitZeroIsEveryEntryAndNoNext() {
        DirtyPage page = store.dirtyPage(null, null, 0);
        assertEquals(32, page.entries().size());
        assertNull(page.next());
    }

    @Test
    void aCursorIsFolderSlashPathAndABadOneIsRefusedWithTheReason() {
        assertEquals(new DirtyPage.Cursor("ct101", "rootfs/etc/hosts"), DirtyPage.Cursor.parse("ct101/rootfs/etc/hosts"));
        assertEquals("ct101/rootfs/etc/hosts", new DirtyPage.Cursor("ct101", "rootfs/etc/hosts").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DirtyPage.Cursor.parse("ct101"));
        assertEquals("\"ct101\" is not a position FOLDER/PATH, as the last line of a page prints it", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.dirtyPage(null, null, -1));
    }
}
