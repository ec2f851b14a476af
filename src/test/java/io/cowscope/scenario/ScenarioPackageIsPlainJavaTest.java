package io.cowscope.scenario;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The scenario language and the CLI are plain Java: no Spring, no web types, no JSON library. */
class ScenarioPackageIsPlainJavaTest {

    @Test
    void noSpringNoWebNoJackson() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.cowscope.scenario", "io.cowscope.cli");
        noClasses().that().resideInAnyPackage("io.cowscope.scenario..", "io.cowscope.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta..", "javax.servlet..",
                        "com.fasterxml..", "tools.jackson..")
                .check(classes);
    }
}
