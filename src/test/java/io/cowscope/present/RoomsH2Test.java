package io.cowscope.present;

import io.cowscope.share.ExternalServices;
import javax.sql.DataSource;

/** The room repository on H2, the embedded default. */
class RoomsH2Test extends RoomsContract {
    @Override
    DataSource dataSource() {
        return ExternalServices.h2("rooms");
    }
}
