package dev.pointsman.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Every topic schema must read data written by each of its committed earlier versions
 * (src/test/resources/compat/vN/NAME.avsc). A change that breaks old readers fails the build; to
 * release a new version, add its snapshot as the next vN.
 */
class SchemaCompatibilityTest {
    static final List<Schema> CURRENT =
            List.of(
                    Query.getClassSchema(),
                    EmbeddedQuery.getClassSchema(),
                    RoutingDecision.getClassSchema(),
                    Outcome.getClassSchema(),
                    FeedbackExample.getClassSchema(),
                    PoolCatalog.getClassSchema(),
                    WindowMetrics.getClassSchema(),
                    Alert.getClassSchema(),
                    DeadLetter.getClassSchema());

    @Test
    void everySchemaReadsEveryCommittedEarlierVersion() throws IOException {
        for (Schema current : CURRENT) {
            List<Schema> previous = snapshots(current.getName());
            assertThat(previous).as("snapshots of " + current.getName()).isNotEmpty();
            for (Schema old : previous) {
                var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
                assertThat(result.getType())
                        .as(
                                current.getName()
                                        + " reading an older version: "
                                        + result.getResult().getIncompatibilities())
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Test
    void theCheckRejectsARequiredFieldAddedWithoutADefault() throws IOException {
        Schema old = snapshots("Outcome").get(0);
        String json =
                Outcome.getClassSchema()
                        .toString()
                        .replace(
                                "{\"name\":\"queryId\"",
                                "{\"name\":\"tenant\",\"type\":\"string\"},{\"name\":\"queryId\"");
        Schema broken = new Schema.Parser().parse(json);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, old).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    static List<Schema> snapshots(String name) throws IOException {
        List<Schema> out = new ArrayList<>();
        for (int v = 1; ; v++) {
            try (InputStream in =
                    SchemaCompatibilityTest.class.getResourceAsStream(
                            "/compat/v" + v + "/" + name + ".avsc")) {
                if (in == null) {
                    return out;
                }
                out.add(new Schema.Parser().parse(in));
            }
        }
    }
}
