package io.syncnode.protocol;

/**
 * How far this node trusts the cluster with one folder ({@code [[folder]] type}), as Syncthing's
 * folder types: {@link #SEND_RECEIVE} announces local changes and applies remote ones;
 * {@link #SEND_ONLY} announces local changes but never applies a remote change (it acknowledges
 * and counts it); {@link #RECEIVE_ONLY} applies remote changes but never announces a local one
 * (local edits stay local until {@code syncnode revert}).
 */
public enum FolderType {
    SEND_RECEIVE("send-receive"),
    SEND_ONLY("send-only"),
    RECEIVE_ONLY("receive-only");

    private final String configName;

    FolderType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Whether remote changes are applied here. */
    public boolean applies() {
        return this != SEND_ONLY;
    }

    /** Whether local changes are recorded as new versions and announced. */
    public boolean announces() {
        return this != RECEIVE_ONLY;
    }
}
