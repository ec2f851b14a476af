package io.cowscope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The engine and the scenario language are plain Java: no Spring, no servlet or WebSocket API, no
 * JSON library, and nothing from the web-facing packages. They can then run in the CLI, in tests
 * and in benchmarks without a server, and the web layer stays a thin adapter around them.
 */
@AnalyzeClasses(packages = "io.cowscope", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    static final String[] CORE = {"io.cowscope.engine..", "io.cowscope.scenario.."};

    static final String[] FRAMEWORKS = {
        "org.springframework..", "jakarta..", "javax.servlet..", "tools.jackson..", "com.fasterxml.."
    };

    static final String[] WEB_FACING = {"io.cowscope.web..", "io.cowscope.session..", "io.cowscope.share..", "io.cowscope.present.."};

    @ArchTest
    static final ArchRule coreUsesNoFrameworks = usesNoFrameworks(CORE);

    @ArchTest
    static final ArchRule coreKnowsNothingOfTheWeb = knowsNothingOfTheWeb(CORE);

    // allowEmptyShould: a core package may still be empty (the scenario language is not there yet)
    static ArchRule usesNoFrameworks(String... packages) {
        return noClasses().that().resideInAnyPackage(packages)
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .because("the engine and the scenario language run without Spring, servlets or JSON")
                .allowEmptyShould(true);
    }

    static ArchRule knowsNothingOfTheWeb(String... packages) {
        return noClasses().that().resideInAnyPackage(packages)
                .should().dependOnClassesThat().resideInAnyPackage(WEB_FACING)
                .because("the web, session, share and present layers are built on the core, not the other way round")
                .allowEmptyShould(true);
    }

    /** The rules are not vacuous: pointed at the web layer, which does use Spring and JSON, they fail. */
    @ArchTest
    static void theRulesCatchAViolation(JavaClasses classes) {
        assertThat(usesNoFrameworks("io.cowscope.web..").evaluate(classes).hasViolation()).isTrue();
        assertThat(knowsNothingOfTheWeb("io.cowscope.web.socket..").evaluate(classes).hasViolation()).isTrue();
    }

    /** ... and they see the engine's classes, so a green run means something. */
    @ArchTest
    static void theEngineIsAnalysed(JavaClasses classes) {
        assertThat(classes.containPackage("io.cowscope.engine")).isTrue();
        JavaClasses imported = new ClassFileImporter().importPackages("io.cowscope.engine");
        assertThat(imported).isNotEmpty();
    }
}
