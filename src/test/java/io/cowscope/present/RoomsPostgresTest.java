package io.cowscope.present;

import io.cowscope.share.ExternalServices;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtendWith;

/** The room repository on a real PostgreSQL (COWSCOPE_TEST_PG_URL; .ci/run starts one). */
@ExtendWith(ExternalServices.NeedsPostgres.class)
class RoomsPostgresTest extends RoomsContract {
    @Override
    DataSource dataSource() {
        return ExternalServices.postgres();
    }
}
