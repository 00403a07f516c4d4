package io.syncnode.protocol;

/**
 * What a folder keeps of a file that a remote change replaces or deletes ({@code [[folder]]
 * versions}), as Syncthing's versioners: {@link #NONE} keeps nothing (the default);
 * {@link #TRASH} keeps every version until {@code versions-max-age}; {@link #SIMPLE} keeps the
 * last {@code versions-keep} per path; {@link #STAGGERED} thins them out with age (see
 * {@link VersionRetention}).
 */
public enum VersionsMode {
    NONE("none"),
    TRASH("trash"),
    SIMPLE("simple"),
    STAGGERED("staggered");

    private final String configName;

    VersionsMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Whether anything is kept at all. */
    public boolean keeps() {
        return this != NONE;
    }
}
