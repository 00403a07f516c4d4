package io.syncnode.node.index;

import java.util.List;

/**
 * One page of the dirty entries ({@code syncnode dirty --limit}).
 *
 * @param entries the page, sorted by folder, path (byte order) and peer name; whole paths
 * @param total   every dirty entry of the folder (of every folder when none was named)
 * @param more    entries after this page
 */
public record DirtyPage(List<DirtyEntry> entries, long total, long more) {
    public DirtyPage {
        entries = List.copyOf(entries);
    }

    /** Where the next page starts: after this folder's path, or null when nothing follows. */
    public Cursor next() {
        if (more == 0 || entries.isEmpty()) {
            return null;
        }
        DirtyEntry last = entries.get(entries.size() - 1);
        return new Cursor(last.folder(), last.path());
    }

    /**
     * A position in the dirty entries: after every entry of ({@code folder}, {@code path}). Written
     * {@code FOLDER/PATH} (a folder name has no '/').
     */
    public record Cursor(String folder, String path) {
        /** Reads {@code FOLDER/PATH}; throws {@link IllegalArgumentException} naming what is wrong. */
        public static Cursor parse(String text) {
            int slash = text.indexOf('/');
            if (slash <= 0 || slash == text.length() - 1) {
                throw new IllegalArgumentException("\"" + text + "\" is not a position FOLDER/PATH, as the last "
                        + "line of a page prints it");
            }
            return new Cursor(text.substring(0, slash), text.substring(slash + 1));
        }

        @Override
        public String toString() {
            return folder + "/" + path;
        }
    }
}
