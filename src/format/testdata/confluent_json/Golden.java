// Produces the golden files of this folder with the real thing: Apache Kafka's JsonConverter
// (4.1.1) and Jackson, wired as the Confluent S3 sink's JsonRecordWriterProvider writes a
// record (a Struct through a schemas.enable=false converter, anything else through an
// ObjectMapper generator), one output line per input line, "ERROR" when Connect throws.
//
//   CP="$HOME/.cache/tributary/kafka-4.1.1/libs/*"
//   java -cp "$CP" Golden.java plain.jsonl plain > plain.golden
//   java -cp "$CP" Golden.java schemas.jsonl schemas > schemas.golden
//   java -cp "$CP" Golden.java schemas.jsonl schemas NUMERIC > schemas.numeric.golden
//
// Generated with OpenJDK 17 (Double.toString differs from JDK 19+ only for rare values
// that none of these inputs hit).
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.kafka.connect.data.*;
import org.apache.kafka.connect.json.JsonConverter;

// Mimics Confluent's JsonRecordWriterProvider.write for each input line.
public class Golden {
  public static void main(String[] args) throws Exception {
    boolean schemas = args[1].equals("schemas");
    String decimalFormat = args.length > 2 ? args[2] : "BASE64";
    JsonConverter worker = new JsonConverter();
    worker.configure(Map.of("schemas.enable", String.valueOf(schemas)), false);
    JsonConverter sink = new JsonConverter();
    sink.configure(Map.of("schemas.enable", "false", "decimal.format", decimalFormat), false);
    ObjectMapper mapper = new ObjectMapper();
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
      if (line.isEmpty()) continue;
      try {
        SchemaAndValue sv = worker.toConnectData("t", line.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonGenerator gen = mapper.getFactory().createGenerator(bytes).setRootValueSeparator(null);
        Object value = sv.value();
        if (value instanceof Struct) {
          bytes.write(sink.fromConnectData("t", sv.schema(), value));
          bytes.write("\n".getBytes(StandardCharsets.UTF_8));
        } else {
          gen.writeObject(value);
          gen.writeRaw("\n");
          gen.flush();
        }
        out.print(bytes.toString(StandardCharsets.UTF_8));
      } catch (Exception e) {
        out.println("ERROR");
      }
    }
  }
}
