package io.syncnode.node.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CompilerThreads} on this test JVM's own threads, read back from /proc. */
class CompilerThreadsTest {

    @Test
    void theCompilerThreadsGetTheirNiceValueAndNoOtherThreadDoes() throws IOException {
        Map<String, Integer> before = niceByThread();
        int changed = CompilerThreads.lower();
        Map<String, Integer> after = niceByThread();

        long compilers = after.keySet().stream().filter(t -> CompilerThreads.isCompiler(name(t))).count();
        assertTrue(compilers >= 1, "a JVM with its JIT has compiler threads: " + after.keySet());
        assertTrue(changed >= compilers - 1 && changed >= 1, changed + " changed of " + compilers); // one may come or go
        after.forEach((thread, nice) -> {
            if (CompilerThreads.isCompiler(name(thread))) {
                assertEquals(CompilerThreads.NICE, nice, thread);
            } else if (before.containsKey(thread)) {
                assertEquals(before.get(thread), nice, thread + " is not a compiler thread and keeps its nice value");
            }
        });
    }

    @Test
    void onlyHotSpotsCompilerThreadNamesCount() {
        assertTrue(CompilerThreads.isCompiler("C1 CompilerThre"));
        assertTrue(CompilerThreads.isCompiler("C2 CompilerThre"));
        assertFalse(CompilerThreads.isCompiler("main"));
        assertFalse(CompilerThreads.isCompiler("Sweeper thread"));
        assertFalse(CompilerThreads.isCompiler("C3 CompilerThre"));
    }

    /** "TID comm" -> nice (field 19 of /proc/self/task/TID/stat) of every thread of this JVM now. */
    private static Map<String, Integer> niceByThread() throws IOException {
        Map<String, Integer> out = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(t.getFileName() + " " + comm, Integer.parseInt(f[16])); // field 19: nice
                } catch (IOException ended) {
                    // the thread ended while listed
                }
            }
        }
        return out;
    }

    private static String name(String tidAndComm) {
        return tidAndComm.substring(tidAndComm.indexOf(' ') + 1);
    }
}
