package io.syncnode.node.wire;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The running code's version, as {@code syncnode version} prints it and as this node's digests
 * tell its peers ({@code Envelope.sender_software}, shown by {@code peers}). Immutable.
 */
public final class Software {
    /** Used when the classes do not come from a built jar (tests, an IDE). */
    public static final String FALLBACK = "0.1.0-SNAPSHOT";
    /** The longest {@code sender_software} a receiver accepts (PROTOCOL.md section 3). */
    public static final int MAX_LENGTH = 100;
    /** "VERSION (COMMIT)": what this node's digests carry. */
    public static final String DESCRIPTION = describe(version(), BuildInfo.current());

    private Software() {
    }

    /**
     * The version of the running code: the jar manifest's Implementation-Version, else the
     * version Maven recorded in the jar's pom.properties, else {@link #FALLBACK}.
     */
    public static String version() {
        String fromManifest = Software.class.getPackage().getImplementationVersion();
        if (fromManifest != null && !fromManifest.isBlank()) {
            return fromManifest;
        }
        try (InputStream in = Software.class.getResourceAsStream(
                "/META-INF/maven/io.syncnode/syncnode-node/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String fromPom = properties.getProperty("version");
                if (fromPom != null && !fromPom.isBlank()) {
                    return fromPom;
                }
            }
        } catch (IOException e) {
            // Going on is safe: the fallback names the version this source was written for.
        }
        return FALLBACK;
    }

    /** "VERSION (COMMIT)", cut to {@link #MAX_LENGTH} characters. */
    static String describe(String version, BuildInfo build) {
        String d = version + " (" + build.commit() + ")";
        return d.length() <= MAX_LENGTH ? d : d.substring(0, MAX_LENGTH);
    }
}
