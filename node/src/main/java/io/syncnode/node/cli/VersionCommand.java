package io.syncnode.node.cli;

import io.syncnode.node.wire.BuildInfo;
import io.syncnode.node.wire.Software;
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

    /** See {@link Software#version()}. */
    static String current() {
        return Software.version();
    }

    /** Serves {@code syncnode --version}. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }
    }
}
