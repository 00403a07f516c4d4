package io.syncnode.node.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Where the running code was built from: the git commit (short hash, {@code -dirty} when tracked
 * files had changes) and the build time (UTC, ISO-8601), written at build time by the node
 * module's {@code build-info} step into {@value #RESOURCE} ({@code version} prints them, and
 * {@link Software} sends the commit to peers). Each is {@value #UNKNOWN} when the
 * build ran outside a git checkout, or the classes do not come from a Maven build (an IDE).
 */
public record BuildInfo(String commit, String built) {
    /** The class-path resource the build writes. */
    public static final String RESOURCE = "/io/syncnode/node/cli/build.properties";
    public static final String UNKNOWN = "unknown";

    /** This build's information, from {@value #RESOURCE}. */
    public static BuildInfo current() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            return read(in);
        } catch (IOException e) {
            // going on is safe: only the commit and build time are missing, the version line stays
            return new BuildInfo(UNKNOWN, UNKNOWN);
        }
    }

    /** Reads the build's properties; {@code in} null (no such resource) gives {@value #UNKNOWN} for each. */
    public static BuildInfo read(InputStream in) throws IOException {
        Properties p = new Properties();
        if (in != null) {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return new BuildInfo(value(p, "commit"), value(p, "built"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "").strip();
        return v.isEmpty() || v.contains("${") ? UNKNOWN : v; // "${...}": a build step that did not run
    }
}
