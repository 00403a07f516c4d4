package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The folder state {@code status} shows, and the halt reasons {@code accept-deletes} releases. */
class FolderStateTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("paused wins over everything", FolderState.SCANNING, true, true, 5L, 1, "paused"),
                Arguments.of("halted", FolderState.IDLE, false, true, 5L, 0, "halted"),
                Arguments.of("scanning", FolderState.SCANNING, false, false, 5L, 1, "scanning"),
                Arguments.of("idle with dirty entries: syncing", FolderState.IDLE, false, false, 1L, 0, "syncing"),
                Arguments.of("idle with fetches running: syncing", FolderState.IDLE, false, false, 0L, 2, "syncing"),
                Arguments.of("idle", FolderState.IDLE, false, false, 0L, 0, "idle"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shown(String name, FolderState worker, boolean paused, boolean halted, long dirty, int fetches, String word) {
        assertEquals(word, FolderState.shown(worker, paused, halted, dirty, fetches).word());
    }

    static Stream<Arguments> halts() {
        return Stream.of(
                Arguments.of("a scan found 90 of 100 files gone (more than 50%); not propagating", true),
                Arguments.of("folder root /x is missing or not a directory; not propagating deletes.", false),
                Arguments.of("folder root /x is on another device than at start (unmounted or remounted?);", false));
    }

    @ParameterizedTest(name = "{0}: released by accept-deletes = {1}")
    @MethodSource("halts")
    void haltReasons(String text, boolean accepted) {
        HaltReason h = HaltReason.of(text);
        assertEquals(accepted, h.releasedByAcceptDeletes());
        assertEquals(text, h.text(), "status shows the reason as it was given");
    }
}
