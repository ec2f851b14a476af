package io.cowscope.share;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The real PostgreSQL and RabbitMQ that .ci/run starts, found through environment variables (or
 * system properties of the same name):
 * <ul>
 *   <li>{@code COWSCOPE_TEST_PG_URL} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/cowscope_test}),
 *       {@code COWSCOPE_TEST_PG_USER}, {@code COWSCOPE_TEST_PG_PASSWORD};
 *   <li>{@code COWSCOPE_TEST_STOMP} ({@code host:port} of RabbitMQ's STOMP plugin, e.g.
 *       {@code 127.0.0.1:61613}).
 * </ul>
 * Tests that need one are skipped with a message when it is not configured, except under
 * {@code CI=true}, where they fail: CI starts both, so a skip there would hide a gap.
 */
public final class ExternalServices {
    private ExternalServices() {}

    public static String setting(String name) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? null : value.strip();
    }

    static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** A fresh PostgreSQL schema at the test database: Flyway clean, then migrate. */
    public static DataSource postgres() {
        DriverManagerDataSource ds = new DriverManagerDataSource(setting("COWSCOPE_TEST_PG_URL"),
                setting("COWSCOPE_TEST_PG_USER"), setting("COWSCOPE_TEST_PG_PASSWORD"));
        Flyway flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration").cleanDisabled(false).load();
        flyway.clean();
        flyway.migrate();
        return ds;
    }

    /** A fresh, migrated in-memory H2 database of its own. */
    public static DataSource h2(String name) {
        DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration").cleanDisabled(false).load();
        flyway.clean();
        flyway.migrate();
        return ds;
    }

    /** RabbitMQ's STOMP address as {host, port}. */
    public static String[] stomp() {
        String[] hostPort = setting("COWSCOPE_TEST_STOMP").split(":");
        return new String[] {hostPort[0], hostPort[1]};
    }

    private static ConditionEvaluationResult decide(ExtensionContext context, String missing) {
        if (missing == null) {
            return ConditionEvaluationResult.enabled("configured");
        }
        if (required()) {
            // under CI the test runs and fails in its set-up, saying what is missing
            return ConditionEvaluationResult.enabled("required under CI=true: " + missing);
        }
        String why = missing + "; skipped (required under CI=true; .ci/run sets it up)";
        // surefire's summary shows only a count of skipped tests: say why on the console, once per class
        if (context.getTestMethod().isEmpty()) System.out.println("SKIPPED " + context.getDisplayName() + ": " + why);
        return ConditionEvaluationResult.disabled(why);
    }

    /** Skips a class when no PostgreSQL is configured (fails it under CI). */
    public static final class NeedsPostgres implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return decide(context, setting("COWSCOPE_TEST_PG_URL") == null
                    ? "no PostgreSQL: set COWSCOPE_TEST_PG_URL, COWSCOPE_TEST_PG_USER, COWSCOPE_TEST_PG_PASSWORD" : null);
        }
    }

    /** Skips a class when no RabbitMQ STOMP listener is configured and reachable (fails it under CI). */
    public static final class NeedsRabbitMq implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String address = setting("COWSCOPE_TEST_STOMP");
            if (address == null || !address.matches("[^:]+:\\d+")) {
                return decide(context, "no RabbitMQ: set COWSCOPE_TEST_STOMP=host:port of its STOMP plugin");
            }
            String[] hostPort = address.split(":");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 2000);
                return decide(context, null);
            } catch (IOException e) {
                return decide(context, "nothing listens on " + address + " (COWSCOPE_TEST_STOMP): " + e.getMessage());
            }
        }
    }
}
