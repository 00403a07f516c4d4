package io.syncnode.protocol;

/** What a folder does with two concurrent versions whose content or metadata differ. */
public enum ConflictPolicy {
    KEEP_BOTH("keep-both"),
    NEWEST("newest"),
    OLDEST("oldest"),
    BIGGER("bigger"),
    SMALLER("smaller"),
    PRIORITY("priority"),
    MANUAL("manual"),
    SCRIPT("script");

    private final String configName;

    ConflictPolicy(String configName) {
        this.configName = configName;
    }

    /** The spelling used in the config file. */
    public String configName() {
        return configName;
    }
}
