package io.sluice;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the architecture of DESIGN.md true: core stands alone, and its internals stay internal. */
class LayeringTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.sluice");

    @Test
    void coreDependsOnlyOnTheJdkAndSlf4j() {
        classes()
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.slf4j..", "io.sluice", "io.sluice.spi", "io.sluice.internal..")
                .because("sluice-core must run with nothing but the JDK and SLF4J (DESIGN.md, Modules)")
                .check(CORE);
    }

    @Test
    void thePublicApiDoesNotLeakInternalTypes() {
        noClasses()
                .that()
                .resideInAnyPackage("io.sluice", "io.sluice.spi")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.sluice.internal.local..")
                .because("runtimes are found through ServiceLoader by SystemType, never referenced by the API")
                .check(CORE);
    }

    @Test
    void internalClassesAreFinalOrSealedOrAbstract() {
        classes()
                .that()
                .resideInAPackage("io.sluice.internal..")
                .and()
                .areTopLevelClasses()
                .and()
                .areNotInterfaces()
                .should()
                .haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL)
                .orShould()
                .haveModifier(com.tngtech.archunit.core.domain.JavaModifier.ABSTRACT)
                .check(CORE);
    }
}
