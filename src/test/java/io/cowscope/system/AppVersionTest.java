package io.cowscope.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppVersionTest {

    @Test
    void theBuildWritesTheProjectVersion() {
        // META-INF/build-info.properties comes from spring-boot-maven-plugin's build-info goal
        assertThat(AppVersion.version()).isNotEqualTo(AppVersion.UNKNOWN).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(AppVersion.serverName()).isEqualTo("cowscope " + AppVersion.version());
    }

    @Test
    void readsBuildVersion(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("META-INF"));
        Files.writeString(dir.resolve("META-INF/build-info.properties"), "build.name=x\nbuild.version=9.8.7\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(AppVersion.read(loader)).isEqualTo("9.8.7");
        }
    }

    @Test
    void withoutBuildInfoItIsDev(@TempDir Path dir) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(AppVersion.read(loader)).isEqualTo("dev");
        }
    }
}
