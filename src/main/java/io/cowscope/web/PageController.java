package io.cowscope.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The explorer's one page; everything live on it comes over /ws. */
@Controller
class PageController {

    @GetMapping("/")
    String index() {
        return "index";
    }
}
