package io.cowscope;

import io.cowscope.system.Launcher;
import java.util.OptionalInt;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class CowscopeApplication {
    public static void main(String[] args) {
        // help, version and the scenario commands never start the server
        OptionalInt exit = Launcher.standard().dispatch(args, System.out, System.err);
        if (exit.isPresent()) {
            System.out.flush();
            System.err.flush();
            System.exit(exit.getAsInt());
        }
        SpringApplication.run(CowscopeApplication.class, args);
    }
}
