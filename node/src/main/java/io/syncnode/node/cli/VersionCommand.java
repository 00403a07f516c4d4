package io.syncnode.node.cli;

import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code version}: prints "syncnode VERSION" (the line scripts read), then where this build came
 * from: "commit HASH[-dirty], built TIME, java RUNTIME" ({@link BuildInfo}; "unknown" for a build
 * outside a git checkout). {@code syncnode --version} prints the same.
 */
@Command(name = "version", description = {"print the version",
        "The first line is \"syncnode VERSION\"; the second names the git commit the build came from (\"-dirty\" "
                + "when it had uncommitted changes, \"unknown\" outside a git checkout), the build time (UTC) and "
                + "the Java runtime."})
final class VersionCommand implements Callable<Integer> {
    /** Used when the classes do not come from a built jar (tests, an IDE). */
    static final String FALLBACK = "0.1.0-SNAPSHOT";

    private final Invocation invocation;

    VersionCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        for (String line : lines()) {
            invocation.out().println(line);
        }
        return ExitCode.OK;
    }

    /** What {@code version} and {@code --version} print. */
    static String[] lines() {
        return lines(current(), BuildInfo.current(), Runtime.version().version().stream().map(String::valueOf)
                .collect(Collectors.joining(".")));
    }

    static String[] lines(String version, BuildInfo build, String java) {
        return new String[] {"syncnode " + version,
                "commit " + build.commit() + ", built " + build.built() + ", java " + java};
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
            return lines();
        }
    }
}
