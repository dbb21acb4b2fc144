package dev.pointsman.flink.job;

import dev.pointsman.core.route.PoolSettings;
import dev.pointsman.core.route.RouterSpec;
import dev.pointsman.schemas.PoolCatalog;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A pool's catalog as the operators use it, decoded and parsed once per catalog version: the
 * catalog itself, its typed settings, and its model names in the order every prediction uses.
 */
record Pool(PoolCatalog catalog, PoolSettings settings, List<String> models) {

    /** Parses {@code catalog}; throws with the reason if its defaults are invalid. */
    static Pool of(PoolCatalog catalog) {
        return of(catalog, null);
    }

    /**
     * Parses {@code catalog}, running {@code defaultRouter} (the job's {@code --router}) if the
     * catalog names no router.
     */
    static Pool of(PoolCatalog catalog, @Nullable RouterSpec defaultRouter) {
        return new Pool(
                catalog,
                PoolSettings.parse(catalog.getPool(), catalog.getDefaults())
                        .withDefaultRouter(defaultRouter),
                catalog.getModels().stream().map(m -> m.getName()).sorted().toList());
    }

    String name() {
        return catalog.getPool();
    }
}
