package io.cowscope;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class CowscopeApplication {
    public static void main(String[] args) {
        SpringApplication.run(CowscopeApplication.class, args);
    }
}
