package dev.pointsman.flink.job;

/** A pool's catalog as broadcast to every operator that needs it (single-object bytes). */
public class CatalogUpdate {
    public String pool;
    public byte[] encoded;

    public CatalogUpdate() {}

    public CatalogUpdate(String pool, byte[] encoded) {
        this.pool = pool;
        this.encoded = encoded;
    }
}
