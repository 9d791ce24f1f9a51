package io.sluice.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The test drivers are what users get; they must work through Sluice's public API alone, as users' code does. */
class TestkitLayeringTest {

    private static final JavaClasses TESTKIT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.sluice.testkit");

    @Test
    void theDriversUseOnlyThePublicApiOfCore() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.sluice.internal..")
                .because("the testkit uses only io.sluice and io.sluice.spi, so that it tests what users can"
                        + " build and keeps working while core's internals change")
                .check(TESTKIT);
    }
}
