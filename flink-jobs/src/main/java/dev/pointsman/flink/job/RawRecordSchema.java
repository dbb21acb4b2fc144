package dev.pointsman.flink.job;

import dev.pointsman.flink.records.KafkaRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads records untouched; decoding happens downstream, where failures can be dead-lettered. */
final class RawRecordSchema implements KafkaRecordDeserializationSchema<KafkaRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaRecord> out) {
        KafkaRecord r = new KafkaRecord();
        r.topic = record.topic();
        r.partition = record.partition();
        r.offset = record.offset();
        r.key = record.key();
        r.value = record.value();
        r.ts = record.timestamp();
        out.collect(r);
    }

    @Override
    public TypeInformation<KafkaRecord> getProducedType() {
        return TypeInformation.of(KafkaRecord.class);
    }
}
