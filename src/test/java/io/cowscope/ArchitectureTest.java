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

    /**
     * The command line runs from the jar's root without Spring's class loader (launch.CliRoot copies
     * these packages there): nothing in them may need a framework or the web-facing packages, or the
     * command line would fail to link and the server would load a class the root cannot complete.
     */
    static final String[] COMMAND_LINE = {"io.cowscope.cli..", "io.cowscope.launch..", "io.cowscope.host.."};

    @ArchTest
    static final ArchRule commandLineUsesNoFrameworks = usesNoFrameworks(COMMAND_LINE);

    @ArchTest
    static final ArchRule commandLineKnowsNothingOfTheWeb = knowsNothingOfTheWeb(COMMAND_LINE);

    @ArchTest
    static final ArchRule launcherAndVersionArePlainJava = noClasses().that()
            .haveNameMatching("io\\.cowscope\\.system\\.(Launcher|AppVersion).*")
            .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
            .orShould().dependOnClassesThat().resideInAnyPackage(WEB_FACING)
            .because("the command line loads them from the jar's root, where no framework is");

    /**
     * Everything the command line's classes use from this project is copied to the jar's root
     * (launch.CliRoot.ROOT): a class left out fails only when that command runs from the jar
     * ({@code NoClassDefFoundError}), which no test on the class path sees.
     */
    @ArchTest
    static final ArchRule commandLineFindsItsClassesAtTheJarRoot = noClasses().that()
            .resideInAnyPackage("io.cowscope.cli..", "io.cowscope.launch..", "io.cowscope.engine..", "io.cowscope.scenario..",
                    "io.cowscope.host..")
            .should().dependOnClassesThat(new com.tngtech.archunit.base.DescribedPredicate<com.tngtech.archunit.core.domain.JavaClass>(
                    "are in this project but not copied to the jar's root") {
                @Override
                public boolean test(com.tngtech.archunit.core.domain.JavaClass c) {
                    String path = c.getName().replace('.', '/');
                    return c.getName().startsWith("io.cowscope.")
                            && io.cowscope.launch.CliRoot.ROOT.stream().noneMatch(path::startsWith);
                }
            })
            .because("launch.CliRoot copies only its ROOT list to the jar's root, where `java -jar cowscope.jar CMD` runs");

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
