package io.cowscope.share;

import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The pages that open shared content: {@code /s/{id}} (the explorer with a short link, its title
 * and description as OpenGraph tags) and {@code /embed}, {@code /embed/s/{id}} (the same bundle in
 * minimal chrome, the one place that may be framed, see system.SecurityHeadersFilter). What to
 * open goes to the front end as data attributes on {@code <html>}; it fetches the content from
 * {@code /api/links/{id}}, or reads a full-state link from the fragment.
 */
@Controller
class SharePageController {
    static final String SITE = "cowscope";
    static final String DEFAULT_DESCRIPTION = "A visual explorer of Linux copy-on-write.";

    private final ShortLinks links;

    SharePageController(ShortLinks links) {
        this.links = links;
    }

    @GetMapping("/s/{id}")
    String shortLink(@PathVariable String id, Model model, HttpServletResponse response) {
        return linkPage(id, model, response, "share");
    }

    @GetMapping({"/embed", "/embed/"})
    String embed(@RequestParam(required = false) String step, @RequestParam(required = false) String loop,
            @RequestParam(required = false) String theme, @RequestParam(required = false) String controls,
            Model model, HttpServletResponse response) {
        // the content comes in the URL fragment (a full-state link), which the server never sees
        return embedPage(null, step, loop, theme, controls, model, response);
    }

    @GetMapping("/embed/s/{id}")
    String embedShortLink(@PathVariable String id, @RequestParam(required = false) String step,
            @RequestParam(required = false) String loop, @RequestParam(required = false) String theme,
            @RequestParam(required = false) String controls, Model model, HttpServletResponse response) {
        return embedPage(id, step, loop, theme, controls, model, response);
    }

    private String embedPage(String id, String step, String loop, String theme, String controls, Model model,
            HttpServletResponse response) {
        try {
            model.addAttribute("options", EmbedOptions.of(step, loop, theme, controls));
        } catch (ShareException e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("problem", "Bad embed option " + e.field() + ": " + e.getMessage() + ".");
            return describe(model, "Bad embed options", DEFAULT_DESCRIPTION, "embed");
        }
        if (id == null) {
            return describe(model, SITE, DEFAULT_DESCRIPTION, "embed");
        }
        return linkPage(id, model, response, "embed");
    }

    /** The page ({@code view}) of a stored link, titled and described by its scenario, or a 404 page. */
    private String linkPage(String id, Model model, HttpServletResponse response, String view) {
        Optional<LinkContent> content = links.find(id);
        if (content.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("problem", "There is no short link " + id + ".");
            return describe(model, "Link not found", DEFAULT_DESCRIPTION, view);
        }
        model.addAttribute("link", id);
        ScenarioHeader header = content.get().header();
        return describe(model, header.title().orElse("Shared scenario"), header.description().orElse(DEFAULT_DESCRIPTION), view);
    }

    private static String describe(Model model, String title, String description, String view) {
        model.addAttribute("title", title);
        model.addAttribute("description", description);
        model.addAttribute("url", ServletUriComponentsBuilder.fromCurrentRequest().build().toUriString());
        return view;
    }
}
