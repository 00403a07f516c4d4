package io.syncnode.protocol;

/** Whether conflicts are settled per file or, after a split, for the whole folder at once. */
public enum ConflictScope {
    FILE("file"),
    FOLDER("folder");

    private final String configName;

    ConflictScope(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
