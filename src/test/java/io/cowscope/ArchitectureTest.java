package io.cowscope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
    private static final String[] CORE = {"io.cowscope.engine..", "io.cowscope.scenario.."};

    private static final String[] FRAMEWORKS = {
        "org.springframework..", "jakarta..", "javax.servlet..", "tools.jackson..", "com.fasterxml.."
    };

    private static final String[] WEB_FACING = {"io.cowscope.web..", "io.cowscope.session..", "io.cowscope.share.."};

    // allowEmptyShould: a core package may still be empty (the scenario language is not there yet)
    @ArchTest
    static final ArchRule coreUsesNoFrameworks = noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
            .because("the engine and the scenario language run without Spring, servlets or JSON")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule coreKnowsNothingOfTheWeb = noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage(WEB_FACING)
            .because("the web, session and share layers are built on the core, not the other way round")
            .allowEmptyShould(true);
}
