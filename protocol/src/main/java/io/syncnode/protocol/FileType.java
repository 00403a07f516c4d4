package io.syncnode.protocol;

/** The kinds of directory entry a folder can hold. Sockets are never synced. */
public enum FileType {
    REGULAR(true),
    DIRECTORY(false),
    SYMLINK(false),
    CHAR_DEVICE(false),
    BLOCK_DEVICE(false),
    FIFO(false);

    private final boolean hasContent;

    FileType(boolean hasContent) {
        this.hasContent = hasContent;
    }

    /** True when the entry has bytes that must be transferred (regular files only). */
    public boolean hasContent() {
        return hasContent;
    }
}
