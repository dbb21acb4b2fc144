package dev.pointsman.schemas.codec;

import org.apache.avro.specific.SpecificRecord;
import org.jspecify.annotations.Nullable;

/**
 * How every component writes its topics: Avro single-object encoding (no registry, the embedded
 * default) or the schema-registry framing when a registry is configured. Readers of either format
 * also read single-object records.
 */
public final class WireFormat {
    private final @Nullable SchemaRegistryClient registry;

    private WireFormat(@Nullable SchemaRegistryClient registry) {
        this.registry = registry;
    }

    /** Registry-free single-object encoding. */
    public static WireFormat singleObject() {
        return new WireFormat(null);
    }

    /** Schema-registry framing against the registry at {@code url}. */
    public static WireFormat registry(String url) {
        return new WireFormat(new SchemaRegistryClient(url));
    }

    /** {@link #registry} when {@code url} is set, else {@link #singleObject}. */
    public static WireFormat of(@Nullable String registryUrl) {
        return registryUrl == null || registryUrl.isBlank()
                ? singleObject()
                : registry(registryUrl);
    }

    public <T extends SpecificRecord> RecordCodec<T> codec(Class<T> type, String topic) {
        return registry == null
                ? SingleObjectCodec.of(type)
                : new RegistryCodec<>(type, topic, registry);
    }

    /** For logs: "single-object" or "schema registry at URL". */
    public String describe() {
        return registry == null ? "single-object" : "schema registry at " + registry.url();
    }
}
