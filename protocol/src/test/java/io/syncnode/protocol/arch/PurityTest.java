package io.syncnode.protocol.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code protocol/} is pure logic: every rule that decides what happens to a user's data is a
 * function of its arguments, so it can be table-tested. No file system, network, threads,
 * executors or wall clock (time comes in as a parameter), and nothing of the node.
 */
class PurityTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.syncnode.protocol");
    }

    @Test
    void noFileSystemNetworkOrProcesses() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.nio.channels..",
                        "java.net..", "java.sql..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileInputStream")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileOutputStream")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.RandomAccessFile")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.ProcessBuilder")
                .check(classes);
    }

    @Test
    void noThreadsOrExecutors() {
        noClasses().should().dependOnClassesThat().resideInAPackage("java.util.concurrent..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
                .check(classes);
    }

    @Test
    void noWallClock() {
        noClasses().should().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(java.time.Instant.class, "now")
                .check(classes);
    }

    @Test
    void nothingOfTheNode() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.syncnode.node..", "io.syncnode.config..",
                "org.jgroups..", "jnr..")
                .check(classes);
    }
}
