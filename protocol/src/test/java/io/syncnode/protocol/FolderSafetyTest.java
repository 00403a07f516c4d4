package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When a folder halts instead of propagating what a scan found: the root guards and the mass-delete guard. */
class FolderSafetyTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            root present, same device                        | true  | 7 | 7 | PROCEED
            root missing or not a directory                  | false | 7 | 7 | ROOT_MISSING
            root missing, device unknown                     | false | 7 | 0 | ROOT_MISSING
            root on another device (unmounted or remounted)  | true  | 7 | 8 | ROOT_DEVICE_CHANGED
            """)
    void theRootMustBeTheFolderItWasAtStart(String name, boolean isDirectory, long atStart, long now, String expected) {
        assertEquals(expected, outcome(FolderSafety.root(isDirectory, atStart, now)), name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an empty folder                                    | true  | 0   | 0   | PROCEED
            19 entries all gone: below the minimum             | true  | 19  | 19  | PROCEED
            20 entries, 11 gone: above half                    | true  | 20  | 11  | MASS_DELETE
            20 entries, exactly half gone                      | true  | 20  | 10  | PROCEED
            21 entries, 11 gone: just above half               | true  | 21  | 11  | MASS_DELETE
            21 entries, 10 gone: just below half               | true  | 21  | 10  | PROCEED
            1000 entries, 501 gone                             | true  | 1000| 501 | MASS_DELETE
            1000 entries, 500 gone                             | true  | 1000| 500 | PROCEED
            unguarded (the operator asked): all 100 gone       | false | 100 | 100 | PROCEED
            unguarded, 20 entries, 11 gone                     | false | 20  | 11  | PROCEED
            """)
    void aGuardedScanMayNotDeleteMoreThanHalfTheFolder(String name, boolean guarded, long live, long gone,
                                                      String expected) {
        FolderSafety.Verdict v = FolderSafety.deletes(guarded, live, gone);
        assertEquals(expected, outcome(v), name);
        if (v instanceof FolderSafety.Halt h) {
            assertEquals(gone, h.gone(), "the count of entries gone, for the operator");
            assertEquals(live, h.live(), "the count of live entries, for the operator");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            one delete of a big folder                          | 1000 | 1    | PROCEED
            a small folder emptied: below the minimum           | 99   | 99   | PROCEED
            100 entries, exactly half deleted                   | 100  | 50   | PROCEED
            100 entries, 51 deleted: above half                 | 100  | 51   | REMOTE_MASS_DELETE
            1000 entries, all deleted                           | 1000 | 1000 | REMOTE_MASS_DELETE
            """)
    void aMemberMayNotDeleteMoreThanHalfTheFolderAtOnce(String name, long live, long deleting, String expected) {
        FolderSafety.Verdict v = FolderSafety.remoteDeletes(live, deleting);
        assertEquals(expected, outcome(v), name);
        if (v instanceof FolderSafety.Halt h) {
            assertEquals(deleting, h.gone(), "the count of entries the member deletes");
            assertEquals(live, h.live());
        }
    }

    private static String outcome(FolderSafety.Verdict v) {
        return v instanceof FolderSafety.Halt h ? h.reason().name() : "PROCEED";
    }
}
