package io.cowscope.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.cli.ScenarioCommands;
import io.cowscope.engine.EngineInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LauncherTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<String> calls = new ArrayList<>();
    private final Launcher launcher = new Launcher(List.of("check", "run", "fmt", "bisect"), (name, args, o, e) -> {
        calls.add(name + " " + String.join(" ", args));
        o.println("ran " + name);
        return 7;
    });

    private OptionalInt dispatch(String... args) {
        return launcher.dispatch(args, print(out), print(err));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noArgumentsStartsTheServer() {
        assertThat(dispatch()).isEmpty();
        assertThat(out()).isEmpty();
        assertThat(calls).isEmpty();
    }

    @Test
    void springOptionsStartTheServer() {
        assertThat(dispatch("--server.port=0", "--cowscope.ws.allowed-origins=https://a.example")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpPrintsUsageAndExitsZero(String flag) {
        assertThat(dispatch(flag)).hasValue(0);
        assertThat(out()).contains("Usage:", "check", "run", "fmt", "bisect", "--version", AppVersion.serverName());
        assertThat(calls).isEmpty();
    }

    @Test
    void helpWinsOverServerOptions() {
        assertThat(dispatch("--server.port=9000", "--help")).hasValue(0);
        assertThat(out()).contains("Usage:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void versionPrintsServerAndEngineVersions(String flag) {
        assertThat(dispatch(flag)).hasValue(0);
        assertThat(out().strip()).isEqualTo(AppVersion.serverName() + " (engine " + EngineInfo.VERSION + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"check", "run", "fmt", "bisect"})
    void subcommandsAreDispatchedWithTheRestOfTheArguments(String name) {
        assertThat(dispatch(name, "a.cow", "--kernel=6.1")).hasValue(7);
        assertThat(calls).containsExactly(name + " a.cow --kernel=6.1");
        assertThat(out()).isEqualTo("ran " + name + System.lineSeparator());
    }

    @Test
    void aSubcommandGetsItsOwnHelpFlag() {
        assertThat(dispatch("check", "--help")).hasValue(7);
        assertThat(calls).containsExactly("check --help");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(dispatch("frobnicate")).hasValue(Launcher.USAGE);
        assertThat(err()).contains("unknown command 'frobnicate'", "Usage:");
        assertThat(calls).isEmpty();
    }

    @Test
    void theStandardLauncherKnowsTheScenarioCommands() {
        assertThat(ScenarioCommands.NAMES).contains("check", "run", "fmt", "bisect");
        // reaches ScenarioCommands.run: whatever it answers, the launcher hands back its exit code
        // rather than starting the server
        assertThat(Launcher.standard().dispatch(new String[] {"check", "--help"}, print(out), print(err))).isPresent();
    }
}
