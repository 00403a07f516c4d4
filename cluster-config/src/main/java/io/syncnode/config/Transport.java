package io.syncnode.config;

/** The JGroups transport of a cluster. */
public enum Transport {
    /** UDP with IP multicast discovery and delivery. */
    UDP("udp"),
    /** TCP with a static peer list (TCPPING). */
    TCP("tcp");

    private final String configName;

    Transport(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
