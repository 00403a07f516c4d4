package io.syncnode.node.os;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Child programs in a process group of their own, so that everything they start can be stopped
 * together: {@link #command} runs a program through {@code setsid(1)} (util-linux; it execs the
 * program as the leader of a new session, keeping its pid), and {@link #kill} sends SIGKILL to the
 * whole group, also to processes whose parent has already exited.
 */
public final class ProcessGroups {
    /** util-linux's setsid, where Debian (usr-merged or not) keeps it; absent: no group of its own. */
    private static final Path SETSID = Files.isExecutable(Path.of("/usr/bin/setsid")) ? Path.of("/usr/bin/setsid")
            : Path.of("/bin/setsid");
    private static final boolean GROUPED = Files.isExecutable(SETSID);
    private static final int SIGKILL = 9;

    private ProcessGroups() {
    }

    /** The argument vector that runs {@code program} as the leader of its own group (as is, without setsid). */
    public static List<String> command(String program) {
        List<String> argv = new ArrayList<>();
        if (GROUPED) {
            argv.add(SETSID.toString());
        }
        argv.add(program);
        return argv;
    }

    /**
     * A child for {@code argv} in a process group of its own ({@link #command}), working in
     * {@code dir}, stdin from /dev/null, and an environment of only this process's PATH and LANG
     * (else a standard PATH and C.UTF-8): the caller adds its own variables.
     */
    public static ProcessBuilder builder(List<String> argv, Path dir) {
        List<String> cmd = new ArrayList<>(command(argv.get(0)));
        cmd.addAll(argv.subList(1, argv.size()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        String path = env.getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        String lang = env.getOrDefault("LANG", "C.UTF-8");
        env.clear();
        env.put("PATH", path);
        env.put("LANG", lang);
        return pb;
    }

    /** Kills {@code p}, everything in its process group and every descendant still known. */
    public static void kill(Process p) {
        killOthers(p);
        p.destroyForcibly();
    }

    /**
     * Kills what {@code p} started: its process group and its descendants, but not {@code p}
     * itself, whose output streams stay readable (destroying a {@link Process} closes them).
     */
    public static void killOthers(Process p) {
        List<ProcessHandle> below = p.descendants().toList();
        if (GROUPED && p.pid() > 1) {
            LibC.get().kill((int) -p.pid(), SIGKILL);
        }
        below.forEach(ProcessHandle::destroyForcibly);
    }
}
