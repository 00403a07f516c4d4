package io.syncnode.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An address (IPv4 literal, IPv6 literal or host name) and a port, as written {@code host:port}
 * or {@code [v6]:port}. The host is kept without brackets; {@link #toString()} adds them back.
 */
public record HostPort(String host, int port) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
    private static final Pattern NUMERIC_DOTS = Pattern.compile("[\\d.]+");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /**
     * Reads {@code address[:port]}: an IPv4 literal, a host name, or an IPv6 literal in brackets
     * ({@code [::1]:7800}). Does no name lookup.
     *
     * @throws IllegalArgumentException with an operator-readable reason
     */
    public static HostPort parse(String text, int defaultPort) {
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'[' without ']' in \"" + text + "\"");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("expected ':port' after ']' in \"" + text + "\"");
                }
                port = rest.substring(1);
            }
            checkIpv6(host);
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("IPv6 addresses go in brackets, e.g. [::1]:7800");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
            checkHost(host);
        }
        return new HostPort(host, port == null ? defaultPort : parsePort(port));
    }

    /** Whether the host is an IPv4 literal in 224.0.0.0/4. */
    public boolean isIpv4Multicast() {
        if (!IPV4.matcher(host).matches()) {
            return false;
        }
        int first = Integer.parseInt(host.substring(0, host.indexOf('.')));
        return first >= 224 && first <= 239;
    }

    /**
     * Whether the host is certainly this machine's loopback: an IPv4 literal in 127.0.0.0/8, the
     * IPv6 literal {@code ::1} in any spelling, or the name {@code localhost} (any case). Any other
     * host name counts as not loopback: no name is looked up.
     */
    public boolean isLoopback() {
        if (IPV4.matcher(host).matches()) {
            return host.startsWith("127.");
        }
        if (host.contains(":") && host.matches("[0-9A-Fa-f:.]+")) {
            try {
                // a bracketed literal is parsed, never looked up; an IPv4-mapped literal comes back as
                // an Inet4Address and so does not count: only ::1 is the IPv6 loopback
                return InetAddress.getByName("[" + host + "]") instanceof Inet6Address a && a.isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false; // not a literal that parse() would accept, so certainly not ::1
            }
        }
        return host.equalsIgnoreCase("localhost");
    }

    private static void checkHost(String host) {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("expected address[:port], e.g. 10.0.0.1:7800");
        }
        if (IPV4.matcher(host).matches()) {
            for (String octet : host.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    throw new IllegalArgumentException("\"" + host + "\" is not a valid IPv4 address");
                }
            }
        } else if (NUMERIC_DOTS.matcher(host).matches()) {
            throw new IllegalArgumentException("\"" + host + "\" is not a valid IPv4 address");
        } else if (!HOST_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("\"" + host + "\" is not an IP address or host name");
        }
    }

    private static void checkIpv6(String host) {
        if (host.isEmpty() || !host.contains(":") || !host.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("\"" + host + "\" is not a valid IPv6 address");
        }
        try {
            InetAddress.getByName("[" + host + "]"); // a bracketed literal is parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + host + "\" is not a valid IPv6 address");
        }
    }

    private static int parsePort(String port) {
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("port must be a number from 1 to 65535, not \"" + port + "\"");
        }
        return Integer.parseInt(port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
