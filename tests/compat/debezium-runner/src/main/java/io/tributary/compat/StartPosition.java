package io.tributary.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetStorageWriter;

import io.debezium.document.DocumentWriter;
import io.debezium.embedded.EmbeddedWorkerConfig;
import io.debezium.embedded.KafkaConnectUtil;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.TableChanges;

/**
 * Makes a fresh work dir look like a connector that has already streamed up to a given
 * binlog position: the offset store holds {"file","pos"[,"gtids"]} under the engine's
 * name and partition {"server": topic.prefix}, exactly as Connect's OffsetStorageWriter
 * writes it, and the schema history holds one record, the
 * "SET character_set_server=..., collation_server=..." statement a Debezium snapshot
 * writes first (values read from the server). Debezium then starts streaming at that
 * position with no known tables and learns every table from the DDL it reads in the binlog,
 * so two tools started at the same position see the same events.
 *
 * Used once, before the engine starts, on the main thread.
 */
final class StartPosition {
    final String file;
    final long pos;
    final String gtids; // null: no GTID set in the offset

    StartPosition(String file, long pos, String gtids) {
        this.file = file;
        this.pos = pos;
        this.gtids = gtids;
    }

    /** Parses "mariadb-bin.000047:220482". */
    static StartPosition parse(String text, String gtids) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--start-position wants FILE:POS, got " + text);
        }
        return new StartPosition(text.substring(0, colon), Long.parseLong(text.substring(colon + 1)), gtids);
    }

    Map<String, Object> offset() {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("file", file);
        offset.put("pos", pos);
        if (gtids != null) {
            offset.put("gtids", gtids);
        }
        return offset;
    }

    /** Writes the offset and the one-record schema history. REQUIRES: neither exists yet. */
    void seed(String engineName, Map<String, String> engineConfig) throws Exception {
        String prefix = engineConfig.get("topic.prefix");
        Map<String, Object> partition = Map.of("server", prefix);

        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("offset.storage.file.filename", engineConfig.get("offset.storage.file.filename"));
        FileOffsetBackingStore store = KafkaConnectUtil.fileOffsetBackingStore();
        store.configure(new EmbeddedWorkerConfig(workerProps));
        store.start();
        try {
            OffsetStorageWriter writer = new OffsetStorageWriter(store, engineName,
                    KafkaConnectUtil.converterForOffsetStore(), offsetValueConverter());
            writer.offset(partition, offset());
            if (!writer.beginFlush()) {
                throw new IllegalStateException("offset writer had nothing to flush");
            }
            writer.doFlush((error, ignored) -> {
                if (error != null) {
                    throw new IllegalStateException(error);
                }
            }).get(30, TimeUnit.SECONDS);
        }
        finally {
            store.stop();
        }

        String[] charset = serverCharset(engineConfig);
        HistoryRecord record = new HistoryRecord(partition, offset(), "", null,
                "SET character_set_server=" + charset[0] + ", collation_server=" + charset[1],
                new TableChanges(), Instant.now());
        Path history = Path.of(engineConfig.get("schema.history.internal.file.filename"));
        Files.writeString(history, DocumentWriter.defaultWriter().write(record.document()) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    }

    private static org.apache.kafka.connect.json.JsonConverter offsetValueConverter() {
        org.apache.kafka.connect.json.JsonConverter c = new org.apache.kafka.connect.json.JsonConverter();
        c.configure(Map.of("schemas.enable", "false"), false);
        return c;
    }

    /** {character_set_server, collation_server} of the source server, over JDBC. */
    private static String[] serverCharset(Map<String, String> config) throws Exception {
        boolean mysql = config.getOrDefault("connector.class", "").endsWith("MySqlConnector");
        String url = (mysql ? "jdbc:mysql://" : "jdbc:mariadb://") + config.get("database.hostname") + ":"
                + config.getOrDefault("database.port", "3306") + "/";
        Properties props = new Properties();
        props.setProperty("user", config.get("database.user"));
        props.setProperty("password", config.getOrDefault("database.password", ""));
        try (Connection c = DriverManager.getConnection(url, props);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@character_set_server, @@collation_server")) {
            rs.next();
            return new String[]{ rs.getString(1), rs.getString(2) };
        }
        catch (java.sql.SQLException e) {
            throw new IOException("reading the server's character set from " + url + ": " + e.getMessage(), e);
        }
    }
}
