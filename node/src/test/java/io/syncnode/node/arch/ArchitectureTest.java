package io.syncnode.node.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The house rules of the node, checked on the compiled classes (a wrong-way import fails
 * {@code mvn verify}):
 * <ul>
 * <li>the data flows forward: {@code watch -> scan -> index -> announce -> cluster -> fetch -> apply}; a stage
 *     never depends on a later stage nor on the parts that sequence them ({@code engine}, the
 *     composition root, the CLI and the control socket); {@code os}, {@code wire}, {@code seal},
 *     {@code trust}, {@code conflict} and {@code action} are shared below them;</li>
 * <li>the engine does no file I/O of its own (no {@code Files}, {@code FileChannel} or file
 *     streams): it sequences the stages that do;</li>
 * <li>the packages have no cycles;</li>
 * <li>one door per foreign world: only {@code cluster} uses JGroups, only {@code index} uses JDBC
 *     and SQLite, only {@code os} uses jnr-ffi, only {@code wire} uses the generated protobuf
 *     classes.</li>
 * </ul>
 */
class ArchitectureTest {
    private static final String NODE = "io.syncnode.node";
    /** The stages, in the order data flows through them. */
    static final List<String> STAGES = List.of("watch", "scan", "index", "announce", "cluster", "fetch", "apply");
    /** What sequences the stages and faces the operator: no stage may depend on them. */
    private static final String[] SEQUENCERS = {NODE + ".engine..", NODE + ".cli..", NODE + ".control.."};

    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(NODE);
    }

    static List<String> stages() {
        return STAGES;
    }

    @ParameterizedTest(name = "{0} depends on no later stage and on nothing that sequences the stages")
    @MethodSource("stages")
    void aStageDependsOnlyOnEarlierStages(String stage) {
        List<String> later = STAGES.subList(STAGES.indexOf(stage) + 1, STAGES.size());
        String[] forbidden = java.util.stream.Stream.concat(
                later.stream().map(s -> NODE + "." + s + ".."), java.util.Arrays.stream(SEQUENCERS))
                .toArray(String[]::new);
        noClasses().that().resideInAPackage(NODE + "." + stage + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .orShould().dependOnClassesThat().resideInAPackage(NODE)
                .because("data flows watch -> scan -> index -> announce -> cluster -> fetch -> apply; the engine sequences them")
                .check(classes);
    }

    @Test
    void sharedPackagesDependOnNoStage() {
        String[] stagesAndSequencers = java.util.stream.Stream.concat(
                STAGES.stream().map(s -> NODE + "." + s + ".."), java.util.Arrays.stream(SEQUENCERS))
                .toArray(String[]::new);
        noClasses().that().resideInAnyPackage(NODE + ".os..", NODE + ".wire..", NODE + ".trust..",
                        NODE + ".conflict..", NODE + ".action..")
                .should().dependOnClassesThat().resideInAnyPackage(stagesAndSequencers)
                .check(classes);
    }

    @Test
    void theEngineSequencesAndDoesNoFileIoOfItsOwn() {
        noClasses().that().resideInAPackage(NODE + ".engine..")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.nio.file.Files")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.channels.FileChannel")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileInputStream")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileOutputStream")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.RandomAccessFile")
                .because("the stages read and write files (scan, index, fetch, apply); the engine only sequences them")
                .check(classes);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching(NODE + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyClusterUsesJGroups() {
        noClasses().that().resideOutsideOfPackage(NODE + ".cluster..")
                .should().dependOnClassesThat().resideInAPackage("org.jgroups..")
                .check(classes);
    }

    @Test
    void onlyIndexUsesJdbcAndSqlite() {
        noClasses().that().resideOutsideOfPackage(NODE + ".index..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.sqlite..")
                .check(classes);
    }

    @Test
    void onlyOsUsesJnr() {
        noClasses().that().resideOutsideOfPackage(NODE + ".os..")
                .should().dependOnClassesThat().resideInAnyPackage("jnr..", "com.kenai.jffi..")
                .check(classes);
    }

    @Test
    void onlyWireUsesTheGeneratedProtobufClasses() {
        noClasses().that().resideOutsideOfPackage(NODE + ".wire..")
                .should().dependOnClassesThat().resideInAnyPackage("io.syncnode.wire.proto..", "com.google.protobuf..")
                .check(classes);
    }
}
