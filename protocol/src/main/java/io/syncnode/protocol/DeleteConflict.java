package io.syncnode.protocol;

/** What wins when one node deleted a path that another node concurrently modified. */
public enum DeleteConflict {
    KEEP_MODIFIED("keep-modified"),
    DELETE("delete");

    private final String configName;

    DeleteConflict(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
