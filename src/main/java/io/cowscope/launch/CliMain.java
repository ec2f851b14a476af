package io.cowscope.launch;

import io.cowscope.system.Launcher;
import java.util.OptionalInt;

/**
 * The jar's entry point ({@code Main-Class}). The command line ({@code check}, {@code run}, {@code fmt},
 * {@code bisect}, {@code --help}, {@code --version}) runs straight from the jar's root, where the build
 * puts the plain-Java packages it needs ({@link CliRoot}): no Spring Boot class loader, no nested jars,
 * and every class can come from a class-data-sharing archive. Anything else starts the server through
 * Spring Boot's launcher, as before.
 */
public final class CliMain {
    static final String SPRING_LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";

    private CliMain() {
    }

    public static void main(String[] args) throws Throwable {
        OptionalInt exit = Launcher.standard().dispatch(args, System.out, System.err);
        if (exit.isPresent()) {
            System.out.flush();
            System.err.flush();
            System.exit(exit.getAsInt());
        }
        try {
            Class.forName(SPRING_LAUNCHER).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
