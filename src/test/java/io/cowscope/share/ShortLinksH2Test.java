package io.cowscope.share;

import javax.sql.DataSource;

/** The repository contract on H2, the embedded default. */
class ShortLinksH2Test extends ShortLinksContract {
    @Override
    DataSource dataSource() {
        return ExternalServices.h2("shortlinks");
    }
}
