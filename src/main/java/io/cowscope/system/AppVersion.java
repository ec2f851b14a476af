package io.cowscope.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The application's own version, read from the {@code META-INF/build-info.properties} that the
 * build writes. Plain Java on purpose: the command line needs it before Spring starts.
 */
public final class AppVersion {
    /** what a build without build info (an IDE run, say) calls itself */
    static final String UNKNOWN = "dev";

    private static final String VERSION = read(AppVersion.class.getClassLoader());

    private AppVersion() {
    }

    /** e.g. {@code 0.1.0-SNAPSHOT} */
    public static String version() {
        return VERSION;
    }

    /** e.g. {@code cowscope 0.1.0-SNAPSHOT}: what the hello and the version option say */
    public static String serverName() {
        return "cowscope " + VERSION;
    }

    static String read(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream("META-INF/build-info.properties")) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("build.version", "").strip();
            return version.isEmpty() ? UNKNOWN : version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build info", e);
        }
    }
}
