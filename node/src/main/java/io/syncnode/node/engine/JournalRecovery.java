package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.index.ApplyIntent;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.scan.DiskEntry;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.FileRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * At start, before the first scan: the apply journal rows a crash left (versions written into the
 * folder whose record did not reach the index). Where the disk shows exactly the journalled
 * version (a deleted one: nothing at the path), that version is recorded, with the entry's stat
 * signature, as if the apply had finished: the scan then sees nothing new, so the entry is not
 * taken for a local change of unknown origin (which would be concurrent with every later version
 * of the path and make a false conflict, or let stale metadata win). Anything else on disk is left
 * to the scan. Then the folder's journal is emptied. Folder worker only.
 */
final class JournalRecovery {
    private static final Logger LOG = Logger.getLogger(JournalRecovery.class.getName());

    private JournalRecovery() {
    }

    /** Returns how many journalled versions were found written and recorded. */
    static int recover(String folder, SqliteIndexStore store, IndexBuffer buffer, Applier applier, EntryReader reader)
            throws IOException {
        List<ApplyIntent> intents = store.intents(folder);
        if (intents.isEmpty()) {
            return 0;
        }
        int recorded = 0;
        for (ApplyIntent i : intents) {
            FileRecord want = i.record();
            Optional<DiskEntry> onDisk;
            try {
                Path abs = applier.resolve(want.path());
                onDisk = reader.read(abs, want.path());
            } catch (IOException e) { // also EntryReader.ChangedWhileReading
                continue; // changing or unreadable: the scan decides
            }
            boolean written = want.deleted() ? onDisk.isEmpty()
                    : onDisk.isPresent() && onDisk.get().toRecord(want.version(), want.modifiedBy())
                            .withHardLink(want.hardLink()).sameEntry(want);
            if (written) {
                buffer.put(i.announce() ? new IndexBuffer.Put(want, want.deleted() ? null : onDisk.get().stat(), true,
                        null, null, true) : IndexBuffer.Put.taken(want, want.deleted() ? null : onDisk.get().stat()));
                recorded++;
            }
        }
        buffer.intentsDone(intents.stream().map(i -> i.record().path()).toList());
        buffer.flush();
        int n = recorded;
        LOG.info(() -> folder + ": " + intents.size() + " apply(s) interrupted by the last stop; " + n
                + " had reached the disk and are recorded as the versions they were");
        return recorded;
    }
}
