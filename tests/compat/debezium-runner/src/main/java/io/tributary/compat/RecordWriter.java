package io.tributary.compat;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.ConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;
import org.apache.kafka.connect.storage.HeaderConverter;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;

/**
 * Turns each SourceRecord into the bytes Kafka Connect's WorkerSourceTask would produce
 * (header converter first, then key and value converters, each given the record's topic
 * and converted headers) and writes one JSON line per record:
 * {"topic":T,"partition":P|null,"key":K|null,"value":V|null,"headers":[[k,v|null],...]}
 * where K, V and v are the produced bytes as UTF-8 text (the JsonConverter always writes
 * UTF-8; null means a Kafka null).
 *
 * Converters are built like Connect's Worker builds them: class from "key.converter" /
 * "value.converter" / "header.converter" (defaults JsonConverter, JsonConverter,
 * SimpleHeaderConverter, as in Kafka's connect-distributed.properties and WorkerConfig),
 * configured with the keys under that prefix plus "converter.type".
 *
 * Called from the engine's record thread only; not thread-safe.
 */
final class RecordWriter implements AutoCloseable {
    private final Converter keyConverter;
    private final Converter valueConverter;
    private final HeaderConverter headerConverter;
    private final JsonGenerator out;

    RecordWriter(Map<String, String> connectorConfig, Writer sink) throws Exception {
        keyConverter = newConverter(connectorConfig, "key.converter", "org.apache.kafka.connect.json.JsonConverter", true);
        valueConverter = newConverter(connectorConfig, "value.converter", "org.apache.kafka.connect.json.JsonConverter", false);
        String headerClass = connectorConfig.getOrDefault("header.converter", "org.apache.kafka.connect.storage.SimpleHeaderConverter");
        headerConverter = (HeaderConverter) Class.forName(headerClass.trim()).getDeclaredConstructor().newInstance();
        Map<String, Object> headerProps = withPrefix(connectorConfig, "header.converter.");
        headerProps.put(ConverterConfig.TYPE_CONFIG, ConverterType.HEADER.getName());
        headerConverter.configure(headerProps);
        JsonFactory factory = new JsonFactory();
        factory.setRootValueSeparator(null); // no space between lines
        out = factory.createGenerator(sink);
        out.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, true);
    }

    private static Converter newConverter(Map<String, String> config, String key, String defaultClass, boolean isKey) throws Exception {
        String cls = config.getOrDefault(key, defaultClass).trim();
        Converter c = (Converter) Class.forName(cls).getDeclaredConstructor().newInstance();
        Map<String, Object> props = withPrefix(config, key + ".");
        props.put(ConverterConfig.TYPE_CONFIG, (isKey ? ConverterType.KEY : ConverterType.VALUE).getName());
        c.configure(props, isKey);
        return c;
    }

    private static Map<String, Object> withPrefix(Map<String, String> config, String prefix) {
        Map<String, Object> props = new HashMap<>();
        for (Map.Entry<String, String> e : config.entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getValue() != null) {
                props.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return props;
    }

    void write(SourceRecord record) throws IOException {
        String topic = record.topic();
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h.key(), headerConverter.fromConnectHeader(topic, h.key(), h.schema(), h.value()));
        }
        byte[] key = keyConverter.fromConnectData(topic, headers, record.keySchema(), record.key());
        byte[] value = valueConverter.fromConnectData(topic, headers, record.valueSchema(), record.value());

        out.writeStartObject();
        out.writeStringField("topic", topic);
        if (record.kafkaPartition() == null) {
            out.writeNullField("partition");
        }
        else {
            out.writeNumberField("partition", record.kafkaPartition());
        }
        writeBytes("key", key);
        writeBytes("value", value);
        out.writeArrayFieldStart("headers");
        for (org.apache.kafka.common.header.Header h : headers) {
            out.writeStartArray();
            out.writeString(h.key());
            if (h.value() == null) {
                out.writeNull();
            }
            else {
                out.writeString(new String(h.value(), StandardCharsets.UTF_8));
            }
            out.writeEndArray();
        }
        out.writeEndArray();
        out.writeEndObject();
        out.writeRaw('\n');
    }

    private void writeBytes(String field, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeNullField(field);
        }
        else {
            out.writeStringField(field, new String(bytes, StandardCharsets.UTF_8));
        }
    }

    void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
