package io.tributary.compat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Loads a connector configuration the way a user hands it to Kafka Connect: a Connect REST
 * JSON document ({"name": ..., "config": {...}}), a bare JSON map of keys, or a .properties
 * file. ${env:NAME} and ${file:/path.properties:key} placeholders are resolved as Kafka
 * Connect's EnvVarConfigProvider and FileConfigProvider do. The result keeps the file's key
 * order. Not thread-safe; used once at start-up.
 */
final class ConnectorFile {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(env|file):([^}]*)}");

    /** The connector's name ("name" of a REST document or key "name"), or null. */
    final String name;
    /** Every key, values as strings, placeholders resolved. */
    final Map<String, String> config;

    private ConnectorFile(String name, Map<String, String> config) {
        this.name = name;
        this.config = config;
    }

    static ConnectorFile load(Path path) throws IOException {
        String text = Files.readString(path, StandardCharsets.UTF_8);
        Map<String, String> config = new LinkedHashMap<>();
        String name = null;
        String trimmed = text.stripLeading();
        if (trimmed.startsWith("{")) {
            JsonNode root = new ObjectMapper().readTree(text);
            JsonNode body = root;
            if (root.has("config") && root.get("config").isObject()) {
                body = root.get("config");
                if (root.hasNonNull("name")) {
                    name = root.get("name").asText();
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                config.put(e.getKey(), v.isTextual() ? v.asText() : v.isNull() ? null : v.toString());
            }
        }
        else {
            Properties props = new Properties();
            try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                props.load(r);
            }
            for (String k : props.stringPropertyNames()) {
                config.put(k, props.getProperty(k));
            }
        }
        if (name == null && config.get("name") != null) {
            name = config.get("name");
        }
        for (Map.Entry<String, String> e : config.entrySet()) {
            if (e.getValue() != null) {
                e.setValue(resolve(e.getKey(), e.getValue()));
            }
        }
        return new ConnectorFile(name, config);
    }

    private static String resolve(String key, String value) throws IOException {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1).equals("env")) {
                replacement = System.getenv(m.group(2));
                if (replacement == null) {
                    throw new IOException(key + ": environment variable " + m.group(2) + " is not set");
                }
            }
            else {
                int colon = m.group(2).lastIndexOf(':');
                if (colon < 0) {
                    throw new IOException(key + ": ${file:PATH:KEY} expected, got " + m.group());
                }
                Properties props = new Properties();
                try (Reader r = Files.newBufferedReader(Path.of(m.group(2).substring(0, colon)), StandardCharsets.UTF_8)) {
                    props.load(r);
                }
                replacement = props.getProperty(m.group(2).substring(colon + 1));
                if (replacement == null) {
                    throw new IOException(key + ": no key " + m.group(2).substring(colon + 1) + " in " + m.group(2).substring(0, colon));
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
