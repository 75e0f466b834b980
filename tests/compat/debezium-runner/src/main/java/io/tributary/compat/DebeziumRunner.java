package io.tributary.compat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.kafka.connect.source.SourceRecord;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;

/**
 * The reference runner: the real Debezium MySQL/MariaDB connector in Debezium's embedded
 * engine, its records converted with Kafka Connect's converters exactly as a Connect worker
 * would before producing them, written as JSON lines (see RecordWriter).
 *
 * Usage: DebeziumRunner CONNECTOR_FILE [--out FILE] [--work-dir DIR] [--idle-seconds N]
 *            [--max-records N] [--max-seconds N] [--start-position FILE:POS]
 *            [--start-gtids SET] [--set KEY=VALUE]... [--verbose]
 *
 * The connector file is what a user gives Kafka Connect (REST JSON, bare JSON map or
 * .properties). The runner replaces only what a Connect worker or Kafka would provide: the
 * offset store and the schema history become files in the work dir (a fresh temporary one
 * unless --work-dir is given, so every run starts from scratch), and Debezium 1.x key names
 * are translated to their 3.x names (each change is logged on stderr). --start-position
 * seeds the work dir so streaming starts at that binlog position (StartPosition).
 *
 * Stops after --idle-seconds (default 10) without a record once streaming has begun, after
 * --max-records, or after --max-seconds in all (exit 3). Exit 1 if the engine fails. The
 * last stderr line is the timing, as JSON after "debezium-runner: timing ".
 *
 * Threads: main parses, starts the engine on its own thread and polls the stop conditions;
 * records arrive on the engine's thread.
 */
public final class DebeziumRunner {
    /** Debezium 1.x keys that 2.0 renamed (the 1.x database.history.* keys are dropped with the Kafka history). */
    private static final Map<String, String> RENAMED = Map.of(
            "database.server.name", "topic.prefix",
            "database.whitelist", "database.include.list",
            "database.blacklist", "database.exclude.list",
            "table.whitelist", "table.include.list",
            "table.blacklist", "table.exclude.list",
            "column.whitelist", "column.include.list",
            "column.blacklist", "column.exclude.list");

    /** Keys of the Connect worker, Kafka or the Kafka schema history: not given to the engine. */
    private static final List<String> NOT_FOR_ENGINE = List.of(
            "key.converter", "value.converter", "header.converter", "database.history",
            "schema.history.internal", "offset.storage", "offset.flush", "name");

    private static final class Options {
        Path connectorFile;
        Path out;
        Path workDir;
        double idleSeconds = 10;
        long maxRecords = 0;
        double maxSeconds = 0;
        String startPosition;
        String startGtids;
        final Map<String, String> overrides = new LinkedHashMap<>();
        boolean verbose;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(parse(args));
        }
        catch (IllegalArgumentException e) {
            System.err.println("debezium-runner: " + e.getMessage());
            code = 2;
        }
        catch (Throwable e) {
            System.err.println("debezium-runner: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    private static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--verbose")) {
                o.verbose = true;
                continue;
            }
            if (!a.startsWith("--")) {
                if (o.connectorFile != null) {
                    throw new IllegalArgumentException("one connector file expected, got " + o.connectorFile + " and " + a);
                }
                o.connectorFile = Path.of(a);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--out" -> o.out = v.equals("-") ? null : Path.of(v);
                case "--work-dir" -> o.workDir = Path.of(v);
                case "--idle-seconds" -> o.idleSeconds = Double.parseDouble(v);
                case "--max-records" -> o.maxRecords = Long.parseLong(v);
                case "--max-seconds" -> o.maxSeconds = Double.parseDouble(v);
                case "--start-position" -> o.startPosition = v;
                case "--start-gtids" -> o.startGtids = v;
                case "--set" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--set wants KEY=VALUE, got " + v);
                    }
                    o.overrides.put(v.substring(0, eq), v.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (o.connectorFile == null) {
            throw new IllegalArgumentException("usage: DebeziumRunner CONNECTOR_FILE [--out FILE] [--work-dir DIR] "
                    + "[--idle-seconds N] [--max-records N] [--max-seconds N] [--start-position FILE:POS] "
                    + "[--start-gtids SET] [--set KEY=VALUE]... [--verbose]");
        }
        return o;
    }

    private static void log(String message) {
        System.err.println("debezium-runner: " + message);
    }

    private static int run(Options o) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", o.verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        // mysql-binlog-connector-java logs through java.util.logging.
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        java.util.logging.Level julLevel = o.verbose ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING;
        root.setLevel(julLevel);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(julLevel);
        }

        ConnectorFile file = ConnectorFile.load(o.connectorFile);
        Map<String, String> userConfig = new LinkedHashMap<>(file.config);
        userConfig.putAll(o.overrides);

        boolean tempWorkDir = o.workDir == null;
        Path workDir = tempWorkDir ? Files.createTempDirectory("debezium-runner-") : o.workDir;
        Files.createDirectories(workDir);
        Map<String, String> engineConfig = engineConfig(file.name, userConfig, workDir);
        String engineName = engineConfig.get("name");

        if (o.startPosition != null) {
            if (Files.exists(Path.of(engineConfig.get("offset.storage.file.filename")))) {
                log("work dir " + workDir + " already has offsets: --start-position ignored, resuming");
            }
            else {
                StartPosition start = StartPosition.parse(o.startPosition, o.startGtids);
                start.seed(engineName, engineConfig);
                log("streaming starts at " + start.offset());
            }
        }

        Writer sink = o.out == null
                ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 20)
                : Files.newBufferedWriter(o.out, StandardCharsets.UTF_8);
        RecordWriter writer = new RecordWriter(userConfig, sink);

        long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
        AtomicLong pollingStartNanos = new AtomicLong(0);
        AtomicLong firstRecordNanos = new AtomicLong(0);
        AtomicLong lastRecordNanos = new AtomicLong(0);
        AtomicLong count = new AtomicLong(0);
        AtomicReference<Throwable> writeError = new AtomicReference<>();
        AtomicReference<String> engineError = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        long runnerStartNanos = System.nanoTime();
        long runnerStartWallMs = System.currentTimeMillis();

        Properties props = new Properties();
        props.putAll(engineConfig);
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(props)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void pollingStarted() {
                        pollingStartNanos.compareAndSet(0, System.nanoTime());
                    }
                })
                .using((success, message, error) -> {
                    if (!success) {
                        engineError.set(message + (error != null ? ": " + error : ""));
                    }
                    done.countDown();
                })
                .notifying(new DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>>() {
                    @Override
                    public synchronized void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                                                         DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                            throws InterruptedException {
                        try {
                            for (RecordChangeEvent<SourceRecord> r : records) {
                                if (o.maxRecords > 0 && count.get() >= o.maxRecords) {
                                    break;
                                }
                                writer.write(r.record());
                                long now = System.nanoTime();
                                firstRecordNanos.compareAndSet(0, now);
                                lastRecordNanos.set(now);
                                count.incrementAndGet();
                                committer.markProcessed(r);
                            }
                            writer.flush();
                            committer.markBatchFinished();
                        }
                        catch (IOException | RuntimeException e) {
                            writeError.compareAndSet(null, e);
                        }
                    }
                })
                .build();

        ExecutorService executor = Executors.newSingleThreadExecutor();
        executor.execute(engine);

        int code = 0;
        long idleNanos = (long) (o.idleSeconds * 1e9);
        while (true) {
            if (done.await(100, TimeUnit.MILLISECONDS)) {
                break;
            }
            long now = System.nanoTime();
            if (writeError.get() != null || (o.maxRecords > 0 && count.get() >= o.maxRecords)) {
                break;
            }
            long since = Math.max(pollingStartNanos.get(), lastRecordNanos.get());
            if (pollingStartNanos.get() != 0 && now - since > idleNanos) {
                break;
            }
            if (o.maxSeconds > 0 && now - runnerStartNanos > (long) (o.maxSeconds * 1e9)) {
                log("stopping: --max-seconds " + o.maxSeconds + " passed");
                code = 3;
                break;
            }
        }
        if (done.getCount() > 0) {
            closeEngine(engine);
            if (!done.await(60, TimeUnit.SECONDS)) {
                log("the engine did not stop within 60 s");
            }
        }
        executor.shutdown();
        writer.close();

        if (writeError.get() != null) {
            log("writing records failed: " + writeError.get());
            code = 1;
        }
        if (engineError.get() != null) {
            log("the engine failed: " + engineError.get());
            code = 1;
        }
        double toSeconds = 1e-9;
        long polling = pollingStartNanos.get();
        long first = firstRecordNanos.get();
        long last = lastRecordNanos.get();
        double pollingToLast = polling != 0 && last != 0 ? (last - polling) * toSeconds : 0;
        log(String.format(Locale.ROOT,
                "timing {\"records\":%d,\"jvm_start_to_last_s\":%.3f,\"startup_s\":%.3f,\"polling_to_last_s\":%.3f,"
                        + "\"first_to_last_s\":%.3f,\"records_per_s\":%.1f}",
                count.get(),
                last != 0 ? (runnerStartWallMs - jvmStartMs) / 1000.0 + (last - runnerStartNanos) * toSeconds : 0,
                polling != 0 ? (runnerStartWallMs - jvmStartMs) / 1000.0 + (polling - runnerStartNanos) * toSeconds : 0,
                pollingToLast,
                first != 0 ? (last - first) * toSeconds : 0,
                pollingToLast > 0 ? count.get() / pollingToLast : 0));
        if (tempWorkDir) {
            deleteTree(workDir);
        }
        return code;
    }

    /** The user's keys for the engine, with the worker's parts (offsets, history) as files in workDir. */
    static Map<String, String> engineConfig(String name, Map<String, String> user, Path workDir) {
        Map<String, String> config = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : user.entrySet()) {
            String key = e.getKey();
            if (e.getValue() == null || isWorkerKey(key)) {
                continue;
            }
            String renamed = RENAMED.get(key);
            if (renamed != null) {
                if (user.containsKey(renamed)) {
                    log("ignoring Debezium 1.x key " + key + ": " + renamed + " is set");
                    continue;
                }
                log("Debezium 1.x key " + key + " given as " + renamed);
                key = renamed;
            }
            config.put(key, e.getValue());
        }
        // schema.history.internal.* options that are not about the Kafka store are Debezium's
        // own (skip.unparseable.ddl, store.only.captured.*): keep them, in either spelling.
        for (Map.Entry<String, String> e : user.entrySet()) {
            String k = e.getKey();
            String rest = k.startsWith("schema.history.internal.") ? k.substring("schema.history.internal.".length())
                    : k.startsWith("database.history.") ? k.substring("database.history.".length()) : null;
            if (rest != null && !rest.startsWith("kafka.") && !rest.startsWith("producer.") && !rest.startsWith("consumer.")
                    && !rest.startsWith("file.") && e.getValue() != null) {
                config.put("schema.history.internal." + rest, e.getValue());
            }
        }
        config.put("name", name != null ? name : "tributary-compat");
        config.put("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        config.put("offset.storage.file.filename", workDir.resolve("offsets.dat").toString());
        config.put("offset.flush.interval.ms", "1000");
        config.put("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        config.put("schema.history.internal.file.filename", workDir.resolve("schema-history.jsonl").toString());
        if (!config.containsKey("topic.prefix")) {
            throw new IllegalArgumentException("the connector file has neither topic.prefix nor database.server.name");
        }
        return config;
    }

    private static boolean isWorkerKey(String key) {
        return NOT_FOR_ENGINE.stream().anyMatch(p -> key.equals(p) || key.startsWith(p + "."));
    }

    private static void closeEngine(DebeziumEngine<?> engine) throws Exception {
        for (int attempt = 0;; attempt++) {
            try {
                engine.close();
                return;
            }
            catch (IllegalStateException e) {
                // Tasks still starting: the engine refuses to stop in that state.
                if (attempt > 600) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
