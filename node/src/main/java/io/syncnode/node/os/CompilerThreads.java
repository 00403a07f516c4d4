package io.syncnode.node.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM's JIT compiler threads at a lower CPU priority than the node's own threads. On a host of
 * few cores the compilers ran beside the path of a change: in a 1,000-file burst into a freshly
 * started node they took 60 % of the receiving node's CPU while its worker waited for a core.
 * At nice {@value #NICE} they still get the cores whenever the node's threads leave them idle (CFS
 * weights: about 1 share in 10 against a busy nice-0 thread), so the code gets compiled, only not
 * ahead of the work it is compiled for.
 *
 * <p>Implementation notes. HotSpot names its compiler threads "C1 CompilerThreadN" and
 * "C2 CompilerThreadN" (the kernel keeps 15 bytes of a thread's name: "C1 CompilerThre");
 * {@link #lower} reads {@code /proc/self/task/TID/comm} and sets each one's nice with
 * {@code setpriority(PRIO_PROCESS, TID)}, which on Linux acts on that thread only. Compiler threads
 * that HotSpot adds later are started by a compiler thread and inherit its nice value. Raising a
 * nice value needs no privilege.
 */
public final class CompilerThreads {
    /** The nice value given to the compiler threads. */
    public static final int NICE = 10;
    private static final int PRIO_PROCESS = 0;

    private CompilerThreads() {
    }

    /** Gives every compiler thread of this JVM nice {@link #NICE}; returns how many it changed. */
    public static int lower() throws IOException {
        int changed = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String name;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                } catch (IOException ended) {
                    continue; // the thread ended while listed
                }
                if (isCompiler(name)) {
                    int tid = Integer.parseInt(task.getFileName().toString());
                    if (LibC.get().setpriority(PRIO_PROCESS, tid, NICE) != 0) {
                        throw new IOException("setpriority of compiler thread " + tid + " (" + name + "): "
                                + LibC.describe(LibC.lastError()));
                    }
                    changed++;
                }
            }
        }
        return changed;
    }

    /** Whether a thread name (as {@code comm} holds it) is one of HotSpot's compiler threads. */
    static boolean isCompiler(String comm) {
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }
}
