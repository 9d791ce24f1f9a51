package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.DeadLetter;
import io.sluice.ItemFailure;
import io.sluice.SluiceException;
import io.sluice.kafka.internal.JsonSerde;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * The JSON serde: plain JSON values with their types in headers, exact round trips, and only allowed classes — refused
 * when written, and refused unread, never instantiated, when a record from elsewhere names them.
 */
class JsonSerdeTest {

    record Payment(long id, long cents, String currency) {}

    record Batch(String name, List<Payment> payments, Map<String, Long> totals) {}

    record Envelope(String id, Object payload) {}

    enum Colour {
        RED,
        GREEN
    }

    interface Shape {}

    record Circle(double radius) implements Shape {}

    record Drawing(String name, Shape shape) {}

    record Holder(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object thing) {}

    /** Declared allowed by the test class path's META-INF/sluice/kafka-types, and by nothing else. */
    record DeclaredByItsJar(String name) {}

    /** Counts what would be done to a gadget; kept apart, so that reading the counts never initialises the gadget. */
    static final class GadgetEffects {
        static final AtomicInteger INITIALISED = new AtomicInteger();
        static final AtomicInteger CONSTRUCTED = new AtomicInteger();
        static final AtomicInteger SET = new AtomicInteger();
    }

    /** A class with side effects in its initialiser, constructor and setter: what a deserialization gadget does. */
    public static final class Gadget {
        static {
            GadgetEffects.INITIALISED.incrementAndGet();
        }

        public Gadget() {
            GadgetEffects.CONSTRUCTED.incrementAndGet();
        }

        public void setCommand(String command) {
            GadgetEffects.SET.incrementAndGet();
        }
    }

    private static final String GADGET = "io.sluice.kafka.JsonSerdeTest$Gadget";

    private static final Serde SERDE = JsonSerde.allowing(AllowedTypes.of(
            Payment.class, Batch.class, Envelope.class, Colour.class, Circle.class, Drawing.class, Holder.class));

    private static Object roundTrip(Object item) {
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = SERDE.serialize(item, headers);
        return SERDE.deserialize(bytes, headers);
    }

    private static Map<String, String> headersOf(Object item) {
        RecordHeaders headers = new RecordHeaders();
        SERDE.serialize(item, headers);
        return text(headers);
    }

    private static Map<String, String> text(Headers headers) {
        Map<String, String> text = new LinkedHashMap<>();
        for (Header header : headers) {
            text.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return text;
    }

    private static Headers json(String type, String... hints) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("sluice.format", "json".getBytes(StandardCharsets.UTF_8));
        headers.add("sluice.type", type.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < hints.length; i += 2) {
            headers.add("sluice.type" + hints[i], hints[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void typesSurviveTheTrip() {
        Batch batch = new Batch("b", List.of(new Payment(1, 250, "EUR")), Map.of("EUR", 250L));

        assertThat(roundTrip(5L)).isEqualTo(5L).isInstanceOf(Long.class);
        assertThat(roundTrip(5)).isEqualTo(5).isInstanceOf(Integer.class);
        assertThat(roundTrip(2.5)).isEqualTo(2.5);
        assertThat(roundTrip(new Payment(1, 250, "EUR"))).isEqualTo(new Payment(1, 250, "EUR"));
        assertThat(roundTrip(batch)).isEqualTo(batch);
        assertThat(roundTrip(List.of(1L, "two", new Payment(3, 3, "USD"))))
                .isEqualTo(List.of(1L, "two", new Payment(3, 3, "USD")));
    }

    @Test
    void stringsAndBytesTravelAsThemselves() {
        RecordHeaders headers = new RecordHeaders();
        assertThat(Serdes.json().serialize("héllo", headers)).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
        assertThat(roundTrip("héllo")).isEqualTo("héllo");
        assertThat(roundTrip(new byte[] {1, 2, 3})).isEqualTo(new byte[] {1, 2, 3});
        assertThat(Serdes.json().serialize(258L, new RecordHeaders()))
                .as("a long as Kafka's LongSerializer writes it")
                .isEqualTo(new org.apache.kafka.common.serialization.LongSerializer().serialize("t", 258L));
        assertThat(roundTrip(-7L)).isEqualTo(-7L).isInstanceOf(Long.class);
        assertThat(roundTrip(-7)).isEqualTo(-7).isInstanceOf(Integer.class);
        assertThat(roundTrip(0.25)).isEqualTo(0.25).isInstanceOf(Double.class);
    }

    @Test
    void theValueIsTheItemsPlainJsonAndItsTypeIsInAHeader() throws Exception {
        Batch batch = new Batch("b", List.of(new Payment(1, 250, "EUR")), Map.of("EUR", 250L));
        RecordHeaders headers = new RecordHeaders();

        byte[] value = SERDE.serialize(batch, headers);

        assertThat(new ObjectMapper().readValue(value, Object.class))
                .isEqualTo(Map.of(
                        "name", "b",
                        "payments", List.of(Map.of("id", 1, "cents", 250, "currency", "EUR")),
                        "totals", Map.of("EUR", 250)));
        assertThat(text(headers))
                .containsExactly(
                        Map.entry("sluice.format", "json"),
                        Map.entry("sluice.type", "io.sluice.kafka.JsonSerdeTest$Batch"));
    }

    @Test
    void collectionsAndMapsNameTheTypesTheirElementsShareNestedAsDeepAsThey() {
        List<List<Long>> nested = List.of(List.of(1L, 2L), List.of(), List.of(3L));
        Map<String, List<Payment>> byCurrency = new TreeMap<>(Map.of(
                "EUR",
                List.of(new Payment(1, 5, "EUR")),
                "USD",
                List.of(new Payment(2, 7, "USD"), new Payment(3, 1, "USD"))));
        Set<String> ordered = new LinkedHashSet<>(List.of("zebra", "apple", "mango"));

        assertThat(headersOf(nested)).containsEntry("sluice.type", "java.util.List<java.util.List<java.lang.Long>>");
        assertThat(headersOf(byCurrency))
                .containsEntry(
                        "sluice.type",
                        "java.util.Map<java.lang.String,java.util.List<io.sluice.kafka.JsonSerdeTest$Payment>>")
                .doesNotContainKey("sluice.type/EUR");
        assertThat(roundTrip(nested)).isEqualTo(nested);
        assertThat(roundTrip(byCurrency)).isEqualTo(byCurrency);
        assertThat(roundTrip(ordered))
                .isInstanceOf(Set.class)
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.iterable(String.class))
                .containsExactly("zebra", "apple", "mango");
        assertThat(roundTrip(new TreeSet<>(Set.of(3, 1, 2)))).isEqualTo(Set.of(1, 2, 3));
        assertThat(roundTrip(Map.of(7L, "seven", 8L, "eight"))).isEqualTo(Map.of(7L, "seven", 8L, "eight"));
        assertThat(roundTrip(Map.of(Colour.RED, 1L))).isEqualTo(Map.of(Colour.RED, 1L));
        assertThat(roundTrip(Map.entry("the", 4L))).isEqualTo(Map.entry("the", 4L));
        assertThat(roundTrip(List.of())).isEqualTo(List.of());
        assertThat(roundTrip(Map.of())).isEqualTo(Map.of());
        assertThat(roundTrip(Arrays.asList(null, 1L, null))).isEqualTo(Arrays.asList(null, 1L, null));
        assertThat(roundTrip(Arrays.asList(null, null))).isEqualTo(Arrays.asList(null, null));
    }

    @Test
    void arraysScalarsAndTimesComeBackExactly() {
        assertThat((long[]) roundTrip(new long[] {1, 2, 3})).containsExactly(1, 2, 3);
        assertThat((String[]) roundTrip(new String[] {"a", null, "c"})).containsExactly("a", null, "c");
        assertThat((Payment[]) roundTrip(new Payment[] {new Payment(1, 2, "EUR")}))
                .containsExactly(new Payment(1, 2, "EUR"));
        assertThat(headersOf(new Payment[0])).containsEntry("sluice.type", "[Lio.sluice.kafka.JsonSerdeTest$Payment;");
        assertThat((Object[]) roundTrip(new Object[] {1L, "x"})).containsExactly(1L, "x");
        List<Object> values = List.of(
                new BigDecimal("1.50"),
                (short) 3,
                (byte) 4,
                2.5f,
                'c',
                true,
                UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                Colour.GREEN,
                Instant.parse("2026-03-01T10:15:30.123456789Z"),
                OffsetDateTime.of(2026, 3, 1, 10, 15, 30, 0, ZoneOffset.ofHours(2)),
                ZonedDateTime.of(2026, 3, 1, 10, 15, 30, 0, ZoneId.of("Europe/Paris")),
                LocalDate.of(2026, 3, 1),
                Duration.ofMillis(1500),
                ZoneId.of("Europe/Paris"));
        for (Object value : values) {
            assertThat(roundTrip(value))
                    .as(value.getClass().getName())
                    .isEqualTo(value)
                    .hasSameClassAs(value);
        }
        assertThat(roundTrip(values)).isEqualTo(values);
        assertThat(roundTrip(new BigDecimal("1.50"))).asString().isEqualTo("1.50");
        assertThat(roundTrip(null)).isNull();
    }

    @Test
    void whereJsonWouldLoseAClassAHeaderNamesItAtItsJsonPointer() {
        List<Object> mixed = List.of(1L, "two", new Payment(3, 3, "USD"), 4, true);

        assertThat(headersOf(mixed))
                .containsExactly(
                        Map.entry("sluice.format", "json"),
                        Map.entry("sluice.type", "java.util.List<java.lang.Object>"),
                        Map.entry("sluice.type/0", "java.lang.Long"),
                        Map.entry("sluice.type/2", "io.sluice.kafka.JsonSerdeTest$Payment"));
        assertThat(roundTrip(mixed)).isEqualTo(mixed);
        assertThat(((List<?>) roundTrip(mixed)).get(0)).isInstanceOf(Long.class);

        Map<String, Object> document = new LinkedHashMap<>();
        document.put("count", 3L);
        document.put("a/b", List.of(1L, 2L));
        document.put("when", Instant.parse("2026-03-01T10:15:30Z"));
        document.put("name", "x");
        Envelope envelope = new Envelope("e1", document);
        assertThat(headersOf(envelope))
                .containsEntry("sluice.type", "io.sluice.kafka.JsonSerdeTest$Envelope")
                .containsEntry("sluice.type/payload", "java.util.Map<java.lang.String,java.lang.Object>")
                .containsEntry("sluice.type/payload/count", "java.lang.Long")
                .containsEntry("sluice.type/payload/a~1b", "java.util.List<java.lang.Long>")
                .containsEntry("sluice.type/payload/when", "java.time.Instant")
                .doesNotContainKey("sluice.type/payload/name");
        assertThat(roundTrip(envelope)).isEqualTo(envelope);
        List<Envelope> envelopes = List.of(new Envelope("a", 1L), new Envelope("b", "x"), new Envelope("c", null));
        assertThat(headersOf(envelopes))
                .containsEntry("sluice.type", "java.util.List<io.sluice.kafka.JsonSerdeTest$Envelope>")
                .containsEntry("sluice.type/0/payload", "java.lang.Long")
                .hasSize(3);
        assertThat(roundTrip(envelopes)).isEqualTo(envelopes);
        assertThat(roundTrip(new Envelope("e2", new Payment(1, 2, "EUR"))))
                .isEqualTo(new Envelope("e2", new Payment(1, 2, "EUR")));
        assertThat(roundTrip(new Envelope("e3", "text"))).isEqualTo(new Envelope("e3", "text"));
        assertThat(headersOf(new Envelope("e3", "text"))).doesNotContainKey("sluice.type/payload");
    }

    @Test
    void deadLettersKeepTheClassOfTheirItem() {
        ItemFailure failure =
                new ItemFailure("parse", "7", "IllegalStateException: no", Instant.parse("2026-03-01T10:15:30Z"), 3);
        DeadLetter ofLong = new DeadLetter("numbers", 7L, 3, List.of(failure));
        DeadLetter ofRecord = new DeadLetter("payments", new Payment(1, 2, "EUR"), 1, List.of(failure));

        assertThat(roundTrip(ofLong)).isEqualTo(ofLong);
        assertThat(((DeadLetter) roundTrip(ofLong)).item()).isInstanceOf(Long.class);
        assertThat(roundTrip(ofRecord)).isEqualTo(ofRecord);
        assertThat(headersOf(ofRecord))
                .containsEntry("sluice.type", "io.sluice.DeadLetter")
                .containsEntry("sluice.type/item", "io.sluice.kafka.JsonSerdeTest$Payment");
    }

    @Test
    void anItemOfAClassNotAllowedIsRefusedWhenWrittenNamingTheClassAndHowToAllowIt() {
        assertThatThrownBy(() -> Serdes.json().serialize(new Payment(1, 2, "EUR"), new RecordHeaders()))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Cannot write io.sluice.kafka.JsonSerdeTest$Payment, which KAFKA does not move unless"
                        + " allowed: KafkaOptions.withAllowedTypes(JsonSerdeTest.Payment.class) or"
                        + " withAllowedPackages(\"io.sluice.kafka\"), or a line io.sluice.kafka.JsonSerdeTest$Payment"
                        + " in a META-INF/sluice/kafka-types resource of its jar; see docs/kafka-records.md");
        assertThatThrownBy(() -> Serdes.json().serialize(List.of(new Payment(1, 2, "EUR")), new RecordHeaders()))
                .hasMessageStartingWith("Cannot write a java.util.List holding, at /0,"
                        + " io.sluice.kafka.JsonSerdeTest$Payment, which KAFKA does not move unless allowed");
        assertThatThrownBy(() -> SERDE.serialize(new Envelope("e", new DeclaredNowhere()), new RecordHeaders()))
                .hasMessageStartingWith("Cannot write io.sluice.kafka.JsonSerdeTest$Envelope holding, at /payload,"
                        + " io.sluice.kafka.JsonSerdeTest$DeclaredNowhere, which KAFKA does not move unless allowed");
    }

    record DeclaredNowhere() {}

    @Test
    void whatPlainJsonCannotBringBackIsRefusedWhenWritten() {
        assertThatThrownBy(() -> SERDE.serialize(new Drawing("d", new Circle(1)), new RecordHeaders()))
                .hasMessage("Cannot write io.sluice.kafka.JsonSerdeTest$Drawing holding, at /shape,"
                        + " io.sluice.kafka.JsonSerdeTest$Circle where field 'shape' of"
                        + " io.sluice.kafka.JsonSerdeTest$Drawing is declared io.sluice.kafka.JsonSerdeTest$Shape;"
                        + " KAFKA writes plain JSON and reads a value back as its declared type, so it would not come"
                        + " back as io.sluice.kafka.JsonSerdeTest$Circle; declare it as"
                        + " io.sluice.kafka.JsonSerdeTest$Circle or as Object (then a header names the class), or give"
                        + " io.sluice.kafka.JsonSerdeTest$Shape Jackson type information (@JsonTypeInfo with"
                        + " @JsonSubTypes)");
        Map<Object, Long> mixedKeys = new LinkedHashMap<>();
        mixedKeys.put("one", 1L);
        mixedKeys.put(2L, 2L);
        assertThatThrownBy(() -> SERDE.serialize(mixedKeys, new RecordHeaders()))
                .hasMessage("Cannot write a java.util.LinkedHashMap whose keys are of several classes"
                        + " [java.lang.Long, java.lang.String]; JSON object keys are text, so KAFKA reads back the keys"
                        + " of a map as one class; give a map keys of one class");
        assertThatThrownBy(() -> SERDE.serialize(Map.of(new Payment(1, 2, "EUR"), 1L), new RecordHeaders()))
                .hasMessageContaining(
                        "whose keys are io.sluice.kafka.JsonSerdeTest$Payment; JSON object keys are text");
        assertThatThrownBy(() -> SERDE.serialize(new ArrayDeque<>(List.of(1L)), new RecordHeaders()))
                .hasMessageContaining("a java.util.ArrayDeque, a collection that is neither a List nor a Set");
        List<Object> tooMixed = new ArrayList<>();
        for (long i = 0; i <= 64; i++) {
            tooMixed.add(i);
        }
        tooMixed.add("text");
        assertThatThrownBy(() -> SERDE.serialize(tooMixed, new RecordHeaders()))
                .hasMessageContaining(
                        "more than 64 values whose class plain JSON loses (the first at /0:" + " java.lang.Long)");
        List<Object> deep = new ArrayList<>();
        List<Object> level = deep;
        for (int i = 0; i < 40; i++) {
            List<Object> next = new ArrayList<>();
            level.add(next);
            level = next;
        }
        assertThatThrownBy(() -> SERDE.serialize(deep, new RecordHeaders()))
                .hasMessageContaining("nested deeper than 32");
    }

    @Test
    void aRecordNamingAClassNotAllowedIsRefusedUnreadAndTheClassNeverInstantiated() {
        int initialised = GadgetEffects.INITIALISED.get();
        byte[] value = bytes("{\"command\":\"rm -rf /\"}");

        assertThatThrownBy(() -> SERDE.deserialize(value, json(GADGET)))
                .isInstanceOf(SluiceException.class)
                .hasMessage("its type header '" + GADGET + "' names class " + GADGET + ", which KAFKA does not move"
                        + " unless allowed (the class was not loaded); if the record is yours, allow it:"
                        + " KafkaOptions.withAllowedTypes(JsonSerdeTest.Gadget.class) or"
                        + " withAllowedPackages(\"io.sluice.kafka\") on the reading side too, or a line " + GADGET
                        + " in a META-INF/sluice/kafka-types resource of its jar; see docs/kafka-records.md");
        assertThatThrownBy(() ->
                        SERDE.deserialize(bytes("[" + value.length + "]"), json("java.util.List<" + GADGET + ">")))
                .hasMessageContaining("names class " + GADGET + ", which KAFKA does not move unless allowed");
        assertThatThrownBy(() -> SERDE.deserialize(
                        bytes("{\"id\":\"e\",\"payload\":{\"command\":\"x\"}}"),
                        json("io.sluice.kafka.JsonSerdeTest$Envelope", "/payload", GADGET)))
                .hasMessageContaining("names class " + GADGET + ", which KAFKA does not move unless allowed");
        assertThatThrownBy(() -> SERDE.deserialize(
                        bytes("{\"thing\":{\"@class\":\"" + GADGET + "\",\"command\":\"x\"}}"),
                        json("io.sluice.kafka.JsonSerdeTest$Holder")))
                .hasMessageContaining(GADGET);
        assertThatThrownBy(() -> SERDE.deserialize(value, json("java.util.List<java.lang.Long")))
                .hasMessageContaining("is not a type a Sluice writer makes");

        assertThat(GadgetEffects.INITIALISED.get()).as("initialised").isEqualTo(initialised);
        assertThat(GadgetEffects.CONSTRUCTED.get()).as("constructed").isZero();
        assertThat(GadgetEffects.SET.get()).as("set").isZero();

        // the power check: allowed, the same record does build the gadget, so the counts above would have shown it
        Serde allowing = JsonSerde.allowing(AllowedTypes.none().withClassNames(List.of(GADGET)));
        assertThat(allowing.deserialize(value, json(GADGET)).getClass().getName())
                .isEqualTo(GADGET);
        assertThat(GadgetEffects.CONSTRUCTED.get()).isEqualTo(1);
        assertThat(GadgetEffects.SET.get()).isEqualTo(1);
    }

    @Test
    void aJsonRecordWithoutATypeIsRefusedAndOneWithoutSluiceHeadersIsReadAsPlainJson() {
        RecordHeaders formatOnly = new RecordHeaders();
        formatOnly.add("sluice.format", "json".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> SERDE.deserialize(bytes("[\"io.sluice.examples.WordCount$Count\",{}]"), formatOnly))
                .hasMessageStartingWith("it has sluice.format json but no sluice.type header: it was written by a"
                        + " Sluice older than the plain-JSON record format");
        assertThat(SERDE.deserialize(bytes("{\"word\":\"the\",\"count\":3,\"tags\":[\"a\"]}"), new RecordHeaders()))
                .isEqualTo(Map.of("word", "the", "count", 3, "tags", List.of("a")));
        assertThat(SERDE.deserialize(null, new RecordHeaders())).isNull();
    }

    @Test
    void aJarAllowsTheTypesItDeclaresInMetaInfSluiceKafkaTypes() {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = Serdes.json().serialize(new DeclaredByItsJar("mine"), headers);

        assertThat(Serdes.json().deserialize(value, headers)).isEqualTo(new DeclaredByItsJar("mine"));
    }

    @Test
    void allowedPackagesAllowTheirSubpackagesButNotTheirNamesakes() {
        AllowedTypes types = AllowedTypes.none().withPackages("com.acme");

        assertThat(types.allows("com.acme.Order")).isTrue();
        assertThat(types.allows("com.acme.model.Line$Part")).isTrue();
        assertThat(types.allows("com.acmeevil.Gadget")).isFalse();
        assertThat(types.allows("com.Order")).isFalse();
        assertThatThrownBy(() -> AllowedTypes.none().withPackages("java.util"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'java.util' is part of the JDK");
        assertThatThrownBy(() -> AllowedTypes.none().withPackages("com.acme.*"))
                .hasMessageEndingWith("; leave out the '.*'");
        assertThat(KafkaOptions.of("k:9092")
                        .withAllowedTypes(Payment.class)
                        .withAllowedTypes(Batch[].class)
                        .withAllowedPackages("com.acme")
                        .allowedTypes())
                .isEqualTo(new AllowedTypes(
                        Set.of("io.sluice.kafka.JsonSerdeTest$Payment", "io.sluice.kafka.JsonSerdeTest$Batch"),
                        Set.of("com.acme")));
    }

    @Test
    void hashMapsOfRecordsRoundTrip() {
        Map<String, Payment> map = new HashMap<>();
        map.put("a", new Payment(1, 1, "EUR"));
        map.put("b", null);
        assertThat(roundTrip(map)).isEqualTo(map);
    }
}
