package io.syncnode.config;

/** An address (IP literal or host name) and a port, as written {@code host:port}. */
public record HostPort(String host, int port) {
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
