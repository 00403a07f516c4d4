package io.syncnode.node.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code version}: prints "syncnode VERSION". */
@Command(name = "version", description = "print the version")
final class VersionCommand implements Callable<Integer> {
    /** Used when the classes do not come from a built jar (tests, an IDE). */
    static final String FALLBACK = "0.1.0-SNAPSHOT";

    private final Invocation invocation;

    VersionCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        invocation.out().println("syncnode " + current());
        return ExitCode.OK;
    }

    /**
     * The version of the running code: the jar manifest's Implementation-Version, else the
     * version Maven recorded in the jar's pom.properties, else {@link #FALLBACK}.
     */
    static String current() {
        String fromManifest = VersionCommand.class.getPackage().getImplementationVersion();
        if (fromManifest != null && !fromManifest.isBlank()) {
            return fromManifest;
        }
        try (var in = VersionCommand.class.getResourceAsStream(
                "/META-INF/maven/io.syncnode/syncnode-node/pom.properties")) {
            if (in != null) {
                var properties = new java.util.Properties();
                properties.load(in);
                String fromPom = properties.getProperty("version");
                if (fromPom != null && !fromPom.isBlank()) {
                    return fromPom;
                }
            }
        } catch (java.io.IOException e) {
            // Going on is safe: the fallback names the version this source was written for.
        }
        return FALLBACK;
    }

    /** Serves {@code syncnode --version}. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"syncnode " + current()};
        }
    }
}
