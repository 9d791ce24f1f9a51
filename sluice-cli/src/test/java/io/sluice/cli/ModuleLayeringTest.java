package io.sluice.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Core's internals stay core's: every other module — runtimes, server, YAML, stores, manifests, examples, testkit and
 * this CLI, all on this module's class path — reaches core through its public API and {@code io.sluice.spi} only.
 */
class ModuleLayeringTest {

    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.sluice");

    @Test
    void noModuleOutsideCoreUsesCoresInternals() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.sluice", "io.sluice.spi", "io.sluice.internal..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.sluice.internal..")
                .because("a runtime or tool needs only what io.sluice.spi offers (issue 12); core's internals may"
                        + " change without notice")
                .check(ALL);
    }
}
