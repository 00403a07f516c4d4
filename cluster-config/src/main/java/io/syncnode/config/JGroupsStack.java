package io.syncnode.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The JGroups protocol stack, as XML text, for a {@code [cluster]} section or for in-JVM tests.
 *
 * <p>Contract: the result is a complete JGroups 5.4 configuration to hand to
 * {@code new JChannel(InputStream)}; it contains no {@code ${...}} expressions, so JGroups
 * reads no system properties for it. Values come only from the validated section and are
 * XML-escaped. The cluster name is not part of a stack; it is given to {@code JChannel.connect}.
 * The templates ({@code udp.xml}, {@code tcp.xml}, {@code loopback.xml} beside this class)
 * document their timings.
 *
 * <p>A {@linkplain ClusterSection#secured() secured} TCP stack has no {@code FD_SOCK2}: that
 * protocol opens TCP connections of its own beside the transport, in clear, while a secured
 * cluster must carry every byte through the stack's encryption layer. Failure detection then
 * rests on {@code FD_ALL3} and {@code VERIFY_SUSPECT2}, which travel in the stack.
 */
public final class JGroupsStack {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");

    private JGroupsStack() {
    }

    /**
     * The stack for {@code c}'s transport, bound to its address and using its multicast group or
     * peers; without {@code FD_SOCK2} when {@code c} is secured.
     */
    public static String forCluster(ClusterSection c) {
        return switch (c.transport()) {
            case UDP -> fill("udp.xml", Map.of(
                    "bind_addr", c.bind().host(),
                    "bind_port", Integer.toString(c.bind().port()),
                    "mcast_addr", Objects.requireNonNull(c.multicast(), "udp needs a multicast group").host(),
                    "mcast_port", Integer.toString(c.multicast().port())));
            case TCP -> {
                String xml = fill("tcp.xml", Map.of(
                        "bind_addr", c.bind().host(),
                        "bind_port", Integer.toString(c.bind().port()),
                        "initial_hosts", c.peers().stream()
                                .map(p -> p.host() + "[" + p.port() + "]")
                                .collect(Collectors.joining(","))));
                yield c.secured() ? withoutProtocol("tcp.xml", xml, "FD_SOCK2") : xml;
            }
        };
    }

    /** {@code xml} without the line of {@code protocol}'s element, which must be there exactly once. */
    private static String withoutProtocol(String resource, String xml, String protocol) {
        Matcher m = Pattern.compile("(?m)^[ \\t]*<" + Pattern.quote(protocol) + "\\b[^>]*/>[ \\t]*\\R").matcher(xml);
        if (!m.find()) {
            throw new IllegalStateException(resource + " has no one-line <" + protocol + " .../> element to leave out");
        }
        String out = xml.substring(0, m.start()) + xml.substring(m.end());
        if (m.find()) {
            throw new IllegalStateException(resource + " has more than one <" + protocol + "> element");
        }
        return out;
    }

    /**
     * A stack over {@code SHARED_LOOPBACK} for several nodes in one JVM. {@code clusterName} is
     * only recorded in a comment of the XML; channels join by the name given to connect.
     */
    public static String loopback(String clusterName) {
        String xml = fill("loopback.xml", Map.of());
        return "<!-- loopback stack for cluster " + escape(clusterName).replace("--", "- -") + " -->\n" + xml;
    }

    private static String fill(String resource, Map<String, String> values) {
        String template = read(resource);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException(resource + " uses ${" + m.group(1) + "}, which has no value");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(escape(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String read(String resource) {
        try (InputStream in = JGroupsStack.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("JGroups stack template " + resource + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading JGroups stack template " + resource, e);
        }
    }

    /** XML attribute escaping. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
