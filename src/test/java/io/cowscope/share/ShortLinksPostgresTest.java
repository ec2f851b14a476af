package io.cowscope.share;

import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtendWith;

/** The repository contract on a real PostgreSQL (COWSCOPE_TEST_PG_URL; .ci/run starts one). */
@ExtendWith(ExternalServices.NeedsPostgres.class)
class ShortLinksPostgresTest extends ShortLinksContract {
    @Override
    DataSource dataSource() {
        return ExternalServices.postgres();
    }
}
