package io.cowscope.web.socket;

/**
 * Whether this server offers to run scenarios on its own kernel (issue 11, docs/host.md "In the
 * page"): the hello then names the machine, and the page's compare picker offers it.
 */
public interface HostOffer {
    /** "Linux 6.18.44" when the server runs scenarios natively, null when it does not */
    String machine();
}
